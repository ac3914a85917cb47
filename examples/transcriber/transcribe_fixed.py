"""The same request without the leak: the callback no longer holds the transcriber, and the
signals are disconnected on every path, so the transcriber dies with the function's frame."""

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

    def on_stopped(evt):
        done.set()

    transcriber.transcribed.connect(on_transcribed)
    transcriber.session_stopped.connect(on_stopped)
    try:
        transcriber.start_transcribing_async().get()
        done.wait()
        transcriber.stop_transcribing_async().get()
    finally:
        transcriber.transcribed.disconnect_all()
        transcriber.session_stopped.disconnect_all()
    return " ".join(segments)
