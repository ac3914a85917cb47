"""A transcription service that leaks one native transcriber per request.

`on_transcribed` captures `transcriber`, and `transcriber.transcribed` stores `on_transcribed`
in a C++ std::vector<py::function> that Python's garbage collector cannot see. The cycle
transcriber -> transcribed -> on_transcribed -> transcriber is never freed, so ~Transcriber()
never runs and each request leaks the transcriber's 64 MiB buffer.

    python3 leaking_client.py [REQUESTS]     # prints the resident memory after each request
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
    transcriber.transcribe(text)
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
