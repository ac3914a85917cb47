"""The same transcription service without the leak.

The callback still captures `transcriber`, but `disconnect_all()` in `finally` drops the
signal's reference to it on every path, so the cycle is gone before the function returns:
the transcriber is freed by reference counting, ~Transcriber() runs and the 64 MiB buffer
comes back after every request.

    python3 fixed_client.py [REQUESTS]       # resident memory stays flat
"""

import gc
import sys

import speech


def transcribe(text):
    transcriber = speech.Transcriber()
    segments = []

    def on_transcribed(utterance):
        segments.append(utterance)
        if len(segments) >= 3:
            transcriber.session_stopped.emit("enough")

    transcriber.transcribed.connect(on_transcribed)
    try:
        transcriber.transcribe(text)
    finally:
        transcriber.transcribed.disconnect_all()
    return " ".join(segments)


def resident_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(requests):
    for request in range(requests):
        transcribe(f"request {request}")
        gc.collect()
        print(f"request {request + 1}: VmRSS {resident_mib():.0f} MiB, "
              f"live transcribers {speech.live_transcribers()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
