"""Runtime truth for the shipped API models: what CPython does against what capcycle says.

    runtime_truth.py --capcycle BIN --table docs/models.md [--work DIR]
        for every case of CASES (a model's registration) and every callback form, writes a small
        program that connects the callback to the owner's own signal the way users write it and
        returns the owner; runs it in /usr/bin/python3 (one process each) to see the owner's fate
        once every reference is dropped; scans all programs with capcycle; prints the table
        (model x registration x form x fate x verdict) and fails where a row differs from the
        table kept in docs/models.md, or where a row disagrees and the table does not list it as
        an open disagreement.

    runtime_truth.py --observe PROGRAM
        (internal) the fate of one program's owner, as one line of JSON.

Fates: `refcount` (freed when the last reference goes), `event-loop` (freed once the library's
event loop has run, with no collection: Qt's deferred deletes), `gc` (freed only by
gc.collect()), `alive` (survives gc.collect() and the library's own event processing). Verdicts: `none` (no
finding in the program), `note`, `warning`, `error` (the highest level of its findings). They
agree when refcount or event-loop<->none, gc<->note, alive<->warning or error.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

# --- The programs -------------------------------------------------------------------------------

FORMS = ["lambda", "closure", "partial", "bound-owner", "bound-other", "bound-temporary",
         "function", "native"]

# The callback each form connects, written inside start() where `owner` is the signal's owner.
CALLBACKS = {
    "lambda": ("", "lambda *args: owner"),
    "closure": ("    def on_event(*args):\n        return owner\n", "on_event"),
    "partial": ("", "functools.partial(handler_taking_owner, owner)"),
    "bound-owner": ("", "owner.on_event"),
    "bound-other": ("    helper = Helper(owner)\n", "helper.on_event"),
    "bound-temporary": ("", "Helper(owner).on_event"),
    "function": ("", "module_handler"),
}

PROGRAM = '''"""Runtime-truth case {name}: {description}."""
import functools
{imports}


def module_handler(*args):
    pass


def handler_taking_owner(owner, *args):
    pass


class Helper:
    def __init__(self, owner):
        self.owner = owner

    def on_event(self, *args):
        pass

{owner_class}

def start():
    owner = {make_owner}
{before}    {connect}
    return owner


def pump():
{pump}
'''

def qt_timer_case(model, binding):
    """A QTimer's timeout signal, the same program for each Qt binding."""
    return {
        "model": model, "registration": "QTimer.timeout.connect",
        "imports": f"from {binding}.QtCore import QCoreApplication, QEvent, QTimer\n\n"
                   "app = QCoreApplication.instance() or QCoreApplication([])",
        "owner_class": "class Owner(QTimer):\n    def on_event(self, *args):\n        pass\n",
        "make_owner": "Owner()",
        "connect": "owner.timeout.connect({callback})",
        "native": "owner.stop",
        "breakers": {"timeout.disconnect()": "{connect}\n    owner.timeout.disconnect()",
                     "timeout.disconnect(callback)":
                         "{connect}\n    owner.timeout.disconnect(callback)"},
        "pump": "    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)\n"
                "    QCoreApplication.processEvents()",
    }


def gtk_case(registration, widget, connect, gtk="3.0"):
    """An owner keeping a GTK widget (`self.widget`), connected through it as `connect` says;
    the callback forms the pygobject model's widget rules are about. GTK widgets need a
    display (one Xvfb for the run)."""
    return {
        "model": "pygobject", "registration": registration,
        "imports": f"import gi\n\ngi.require_version(\"Gtk\", \"{gtk}\")\n"
                   "from gi.repository import GLib, Gtk",
        "owner_class": "class Owner:\n    def __init__(self):\n"
                       f"        self.widget = {widget}\n\n"
                       "    def on_event(self, *args):\n        pass\n",
        "make_owner": "Owner()",
        "connect": connect,
        "forms": ["lambda", "bound-owner", "function"],
        "native": None,
        "display": True,
        "pump": "    context = GLib.MainContext.default()\n"
                "    while context.iteration(False):\n        pass",
    }


def gtk_getter_case(registration, widget, signal):
    """A signal of an object a GTK widget keeps, reached through the widget's getter
    (`owner.widget.get_selection().connect(...)`): the pygobject model's `kept_by_receiver`
    factories."""
    getter = registration.rsplit(".", 1)[1]
    return gtk_case(registration, widget,
                    f"owner.widget.{getter}().connect(\"{signal}\", {{callback}})")


def gtk_property_case(registration, widget, prop, value, signal, gtk="3.0"):
    """An object handed to a GTK widget's object-valued property (`owner.widget.props.model =
    store`) after a callback is connected to it: the pygobject model's `property` holders."""
    return gtk_case(registration, widget,
                    f"value = {value}\n"
                    f"    value.connect(\"{signal}\", {{callback}})\n"
                    f"    owner.widget.props.{prop} = value", gtk=gtk)


# One registration of one model: how users make the owner and connect a callback to it.
# `owner_class` subclasses the library's type so that `owner.on_event` is a bound method of the
# owner; `native` is a method the library implements in C, bound to the owner.
CASES = [
    {
        "model": "asyncio", "registration": "Future.add_done_callback",
        "imports": "import asyncio\n\nloop = asyncio.new_event_loop()",
        "owner_class": "class Owner(asyncio.Future):\n    def on_event(self, *args):\n        pass\n",
        "make_owner": "Owner(loop=loop)",
        "connect": "owner.add_done_callback({callback})",
        "native": "owner.cancel",
        "breakers": {"remove_done_callback(callback)":
                     "{connect}\n    owner.remove_done_callback(callback)"},
        "pump": "    loop.run_until_complete(asyncio.sleep(0))",
    },
    {
        "model": "asyncio", "registration": "loop.create_future().add_done_callback",
        "imports": "import asyncio\n\nloop = asyncio.new_event_loop()",
        "owner_class": "",
        "make_owner": "loop.create_future()",
        "connect": "owner.add_done_callback({callback})",
        "forms": ["lambda", "closure", "partial", "bound-other", "bound-temporary", "function",
                  "native"],
        "native": "owner.cancel",
        "pump": "    loop.run_until_complete(asyncio.sleep(0))",
    },
    {
        "model": "concurrent-futures", "registration": "Future.add_done_callback",
        "imports": "import concurrent.futures",
        "owner_class": "class Owner(concurrent.futures.Future):\n"
                       "    def on_event(self, *args):\n        pass\n",
        "make_owner": "concurrent.futures.Future()",
        "connect": "owner.add_done_callback({callback})",
        "native": "owner.cancel",
    },
    {
        "model": "builtins", "registration": "list.append",
        "imports": "",
        "owner_class": "",
        "make_owner": "[]",
        "connect": "owner.append({callback})",
        "breakers": {"clear()": "{connect}\n    owner.clear()",
                     "remove(callback)": "{connect}\n    owner.remove(callback)"},
        "forms": ["lambda", "closure", "partial", "bound-other", "bound-temporary", "function",
                  "native"],
        "native": "owner.clear",
    },
    {
        "model": "paho-mqtt", "registration": "Client.on_message =",
        "imports": "import paho.mqtt.client as mqtt",
        "owner_class": "class Owner(mqtt.Client):\n    def on_event(self, *args):\n        pass\n",
        "make_owner": "Owner()",
        "connect": "owner.on_message = {callback}",
        "breakers": {"on_message = None": "{connect}\n    owner.on_message = None"},
        "native": None,
    },
    {
        "model": "paho-mqtt", "registration": "Client.message_callback_add",
        "imports": "import paho.mqtt.client as mqtt",
        "owner_class": "class Owner(mqtt.Client):\n    def on_event(self, *args):\n        pass\n",
        "make_owner": "Owner()",
        "connect": "owner.message_callback_add(\"sensors/#\", {callback})",
        "breakers": {"message_callback_remove(topic)":
                     "{connect}\n    owner.message_callback_remove(\"sensors/#\")"},
        "native": None,
    },
    qt_timer_case("qt-pyqt", "PyQt5"),
    qt_timer_case("qt-pyside", "PySide2"),
    {
        "model": "pygobject", "registration": "GObject.Object.connect",
        "imports": "from gi.repository import GLib, GObject",
        "owner_class": "class Owner(GObject.Object):\n"
                       "    __gsignals__ = {\"fired\": (GObject.SignalFlags.RUN_FIRST, None, ())}\n\n"
                       "    def on_event(self, *args):\n        pass\n",
        "make_owner": "Owner()",
        "connect": "owner.connect(\"fired\", {callback})",
        "breakers": {"disconnect(handler)": "handler = {connect}\n    owner.disconnect(handler)",
                     "disconnect_by_func(callback)":
                         "{connect}\n    owner.disconnect_by_func(callback)",
                     "run_dispose()": "{connect}\n    owner.run_dispose()"},
        "native": "owner.notify",
        "pump": "    context = GLib.MainContext.default()\n"
                "    while context.iteration(False):\n        pass",
    },
    {
        # A holder (object tree): the owner keeps an action group, the group keeps the action,
        # and the action's handler holds the owner.
        "model": "pygobject", "registration": "Gio.SimpleActionGroup.add_action",
        "imports": "from gi.repository import Gio, GLib",
        "owner_class": "class Owner:\n"
                       "    def __init__(self):\n        self.group = Gio.SimpleActionGroup()\n\n"
                       "    def on_event(self, *args):\n        pass\n",
        "make_owner": "Owner()",
        "connect": "action = Gio.SimpleAction.new(\"fired\", None)\n"
                   "    action.connect(\"activate\", {callback})\n"
                   "    owner.group.add_action(action)",
        "native": None,
        "pump": "    context = GLib.MainContext.default()\n"
                "    while context.iteration(False):\n        pass",
    },
    gtk_getter_case("Gtk.TreeView.get_selection", "Gtk.TreeView()", "changed"),
    gtk_getter_case("Gtk.TreeView.get_model", "Gtk.TreeView(model=Gtk.ListStore(str))",
                    "row-changed"),
    gtk_getter_case("Gtk.ComboBox.get_model", "Gtk.ComboBox(model=Gtk.ListStore(str))",
                    "row-changed"),
    gtk_getter_case("Gtk.TextView.get_buffer", "Gtk.TextView()", "changed"),
    gtk_getter_case("Gtk.Entry.get_buffer", "Gtk.Entry()", "inserted-text"),
    gtk_getter_case("Gtk.ScrolledWindow.get_vadjustment", "Gtk.ScrolledWindow()",
                    "value-changed"),
    gtk_getter_case("Gtk.ScrolledWindow.get_hadjustment", "Gtk.ScrolledWindow()",
                    "value-changed"),
    gtk_getter_case("Gtk.Scale.get_adjustment", "Gtk.Scale()", "value-changed"),
    gtk_getter_case("Gtk.ComboBox.get_child", "Gtk.ComboBox(has_entry=True)", "changed"),
    gtk_property_case("Gtk.TreeView.props.model =", "Gtk.TreeView()", "model",
                      "Gtk.ListStore(str)", "row-changed"),
    gtk_property_case("Gtk.ListView.props.factory =", "Gtk.ListView()", "factory",
                      "Gtk.SignalListItemFactory()", "setup", gtk="4.0"),
    {
        "model": "tkinter", "registration": "Tcl().after",
        "imports": "import tkinter",
        "owner_class": "class Owner(tkinter.Tk):\n    def on_event(self, *args):\n        pass\n",
        # Tcl() is a Tk without the window system: no display needed, same _register path.
        "make_owner": "tkinter.Tcl()",
        "connect": "owner.after(60000, {callback})",
        "breakers": {"after_cancel(job)": "job = {connect}\n    owner.after_cancel(job)"},
        "forms": ["lambda", "closure", "partial", "bound-other", "bound-temporary", "function",
                  "native"],
        "native": "owner.quit",
        "pump": "    pass",
    },
]


def identifier(text):
    return "".join(c if c.isalnum() else "_" for c in text).strip("_")


def case_name(case, form):
    return f"{identifier(case['model'])}__{identifier(case['registration'])}__{identifier(form)}"


def forms_of(case):
    forms = case.get("forms", FORMS)
    forms = [f for f in forms if f != "native" or case.get("native")]
    return forms + ["lambda, then " + label for label in case.get("breakers", {})]


def program(case, form):
    connect = case["connect"]
    if form == "native":
        before, callback = "", case["native"]
    elif form.startswith("lambda, then "):
        # Connected, then the connection broken again the way the model's users break it.
        before, callback = "    callback = lambda *args: owner\n", "callback"
        connect = case["breakers"][form[len("lambda, then "):]].replace("{connect}", connect)
    else:
        before, callback = CALLBACKS[form]
    make_owner = case["make_owner"]
    return PROGRAM.format(
        name=case_name(case, form),
        description=f"{case['registration']} with a {form} callback",
        imports=case["imports"],
        owner_class=case["owner_class"] or "",
        make_owner=make_owner if form != "bound-owner" else "Owner()",
        before=before,
        connect=connect.format(callback=callback),
        pump=case.get("pump", "    pass"),
    )


# --- Observing the fate (runs inside the generated program's interpreter) ----------------------

def observe(path):
    import gc
    import importlib.util
    import weakref

    spec = importlib.util.spec_from_file_location("case_program", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    class Marker:
        pass

    def track(obj):
        try:
            return weakref.ref(obj)
        except TypeError:
            # A list cannot be weakly referenced: a marker only the list holds shares its fate.
            marker = Marker()
            obj.append(marker)
            return weakref.ref(marker)

    gc.disable()
    try:
        owner = module.start()
        ref = track(owner)
        del owner
        fate = "refcount" if ref() is None else None
        module.pump()
        fate = fate or ("event-loop" if ref() is None else None)
        for _ in range(2):
            gc.collect()
            module.pump()
        gc.collect()
        fate = fate or ("gc" if ref() is None else "alive")
    finally:
        gc.enable()
    print(json.dumps({"fate": fate}))


# --- The table ----------------------------------------------------------------------------------

AGREEING = {"refcount": {"none"}, "event-loop": {"none"}, "gc": {"note"},
            "alive": {"warning", "error"}}
COLUMNS = ["model", "registration", "form", "fate", "capcycle", "agrees"]


def verdicts(capcycle, directory):
    result = subprocess.run(
        [capcycle, "scan", directory, "--no-config", "--format", "json", "-j", "1"],
        capture_output=True, text=True)
    if result.returncode not in (0, 1):
        sys.exit(f"capcycle exited {result.returncode}:\n{result.stderr}")
    levels = {}
    rank = {"none": 0, "note": 1, "warning": 2, "error": 3}
    for finding in json.loads(result.stdout)["findings"]:
        name = os.path.splitext(os.path.basename(finding["location"]["file"]))[0]
        level = finding["level"]
        if rank[level] > rank[levels.get(name, "none")]:
            levels[name] = level
    return levels


def start_display():
    """One Xvfb for every case that makes widgets; its display name."""
    read_end, write_end = os.pipe()
    try:
        server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp",
                                   "-screen", "0", "640x480x24"], pass_fds=[write_end],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except FileNotFoundError:
        sys.exit("Xvfb is missing: the GTK cases need a display (scripts/setup installs xvfb)")
    os.close(write_end)
    number = b""
    while not number.endswith(b"\n"):
        chunk = os.read(read_end, 16)
        if not chunk:
            sys.exit("Xvfb exited before it named its display")
        number += chunk
    os.close(read_end)
    return server, ":" + number.decode().strip()


def fate_of(path, display=None):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    if display:
        env["DISPLAY"] = display
    result = subprocess.run(["/usr/bin/python3", "-I", __file__, "--observe", path],
                            capture_output=True, text=True, env=env, timeout=120)
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        return "error: " + (result.stderr.strip().splitlines() or ["no output"])[-1]
    return json.loads(lines[-1])["fate"]


def read_table(path):
    """The rows of the table in docs/models.md: {(model, registration, form): row}."""
    rows = {}
    with open(path) as text:
        for line in text:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < len(COLUMNS) + 1 or cells[0] in ("model", "") or cells[0].startswith("-"):
                continue
            row = dict(zip(COLUMNS + ["why"], cells))
            rows[(row["model"], row["registration"].strip("`"), row["form"])] = row
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--observe")
    parser.add_argument("--capcycle")
    parser.add_argument("--table")
    parser.add_argument("--work")
    args = parser.parse_args()
    if args.observe:
        observe(args.observe)
        return 0

    work = args.work or tempfile.mkdtemp(prefix="capcycle-runtime-truth-")
    os.makedirs(work, exist_ok=True)
    cases = []
    for case in CASES:
        for form in forms_of(case):
            path = os.path.join(work, case_name(case, form) + ".py")
            with open(path, "w") as out:
                out.write(program(case, form))
            cases.append((case, form, path))
    levels = verdicts(args.capcycle, work)
    kept = read_table(args.table)

    failures = []
    server, display = start_display() if any(c.get("display") for c in CASES) else (None, None)
    print("| model | registration | form | fate | capcycle | agrees |")
    print("|---|---|---|---|---|---|")
    for case, form, path in cases:
        fate = fate_of(path, display if case.get("display") else None)
        verdict = levels.get(case_name(case, form), "none")
        agrees = "yes" if verdict in AGREEING.get(fate, ()) else "no"
        key = (case["model"], case["registration"], form)
        print(f"| {key[0]} | `{key[1]}` | {form} | {fate} | {verdict} | {agrees} |")
        row = kept.get(key)
        where = f"{key[0]} / {key[1]} / {form} ({path})"
        if fate.startswith("error"):
            failures.append(f"{where}: the program failed: {fate}")
        elif row is None:
            failures.append(f"{where}: not in {args.table}: fate {fate}, capcycle {verdict}")
        elif (row["fate"], row["capcycle"]) != (fate, verdict):
            failures.append(f"{where}: {args.table} says fate {row['fate']}, capcycle "
                            f"{row['capcycle']}; observed fate {fate}, capcycle {verdict}")
        elif agrees == "no" and not row["agrees"].startswith("open"):
            failures.append(f"{where}: capcycle says {verdict} but the owner's fate is {fate}")
        elif agrees == "yes" and row["agrees"] != "yes":
            failures.append(f"{where}: now agrees; mark the row `yes` in {args.table}")
    if server:
        server.terminate()
        server.wait()
    stale = set(kept) - {(c["model"], c["registration"], f) for c, f, _ in cases}
    failures += [f"{' / '.join(key)}: in {args.table} but no case makes it" for key in sorted(stale)]
    print(f"{len(cases)} programs of {len(CASES)} registrations in {work}")
    for failure in failures:
        print("FAIL " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
