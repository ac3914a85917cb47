"""What CPython does with a cross-language fixture or the speech example.

    runtime_check.py object MODULE_DIR CLIENT.py
        with the cyclic garbage collector paused, calls CLIENT.start(), which connects a
        callback and returns the object that owns the signal; drops the last reference, then
        collects twice, and prints
        {"freed_by_del": B, "alive": B[, "native_handles_after_del": N]}:
        whether a weakref.ref to the object was dead right after `del` (reference counting
        freed it), whether it still resolves after the collections (the object leaked for
        good), and, when CLIENT defines native_handles(), how many native handles were still
        allocated after `del`.

    runtime_check.py rss MODULE_DIR CLIENT.py ITERATIONS
        imports the speech example's CLIENT, calls CLIENT.transcribe() ITERATIONS times
        (collecting twice after each) and prints the resident memory (VmRSS, bytes) before
        and after every call, the transcriber's buffer size and how many transcribers are
        still alive at the end.

The output is one JSON object on standard output; anything else (a traceback) is an error.
"""

import gc
import importlib.util
import json
import os
import sys
import weakref


def load(path):
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def collect():
    gc.collect()
    gc.collect()


def object_survives(client):
    # Paused, so that `del` shows what reference counting alone does: in a long-running
    # process the collector runs when object counts say so, not when native memory grows.
    gc.disable()
    try:
        obj = client.start()
        ref = weakref.ref(obj)
        del obj
        result = {"freed_by_del": ref() is None}
        if hasattr(client, "native_handles"):
            result["native_handles_after_del"] = client.native_handles()
        collect()
    finally:
        gc.enable()
    result["alive"] = ref() is not None
    return result


def resident_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def rss_per_call(client, iterations):
    import speech

    collect()
    rss = [resident_bytes()]
    for i in range(iterations):
        client.transcribe(f"utterance {i}")
        collect()
        rss.append(resident_bytes())
    probe = speech.Transcriber()
    buffer_bytes = probe.buffer_bytes
    del probe
    return {"rss": rss, "buffer_bytes": buffer_bytes, "live": speech.live_transcribers()}


def main(argv):
    mode, module_dir, client_path = argv[1:4]
    sys.path.insert(0, module_dir)
    client = load(client_path)
    if mode == "object":
        result = object_survives(client)
    elif mode == "rss":
        result = rss_per_call(client, int(argv[4]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
