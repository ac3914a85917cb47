"""The leak capcycle was built to catch: a transcription request that never frees its recognizer.

`on_transcribed` captures `transcriber`; `transcriber.transcribed` stores `on_transcribed`.
The transcriber owns its signal, so the three form a reference cycle that reference counting
never frees. The native recognizer state (tens of megabytes) is released only by the
transcriber's finalizer, and the finalizer cannot run while the cycle lives: at best the next
full garbage collection frees it (which Python triggers by object counts, not by native bytes),
and with the SDK generations that kept callbacks in C++ never. Run
`capcycle scan examples/transcriber` to see the cycle, edge by edge.
"""

import threading

import azure.cognitiveservices.speech as speechsdk


def transcribe(path):
    config = speechsdk.SpeechConfig(subscription="key", region="westeurope")
    audio = speechsdk.audio.AudioConfig(filename=path)
    transcriber = speechsdk.transcription.ConversationTranscriber(config, audio)
    segments = []
    done = threading.Event()

    def on_transcribed(evt):
        segments.append(evt.result.text)
        if evt.result.reason == speechsdk.ResultReason.NoMatch:
            transcriber.stop_transcribing_async()
            done.set()

    def on_stopped(evt):
        done.set()

    transcriber.transcribed.connect(on_transcribed)
    transcriber.session_stopped.connect(on_stopped)
    transcriber.start_transcribing_async().get()
    done.wait()
    transcriber.stop_transcribing_async().get()
    return " ".join(segments)
