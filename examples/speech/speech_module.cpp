// `speech`: a pybind11 module with the shape of the Azure Speech SDK's transcriber.
//
// A Transcriber owns a large native buffer (the stand-in for a recognizer's model state),
// released only by its C++ destructor, and two signals. An EventSignal keeps the Python
// callables connected to it in a std::vector<py::function>: strong references that Python's
// cyclic garbage collector cannot see, because no type here has GC support (no tp_traverse).
//
// So a callback that captures its transcriber closes a cycle the collector never breaks:
//
//   transcriber ──owns (C++ member)──▶ transcribed ──stores (py::function)──▶ callback
//        ▲                                                                     │
//        └─────────────────────────── captures ────────────────────────────────┘
//
// and ~Transcriber() never runs: every such transcriber leaks its whole buffer.
#include <pybind11/pybind11.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace py = pybind11;

namespace speech {

// How many Transcribers exist right now (constructed and not yet destroyed).
std::size_t liveTranscribers = 0;

class EventSignal {
public:
  // Keeps the callable until disconnect_all(): a strong reference the GC does not see.
  void connect(py::function callback) { callbacks_.push_back(std::move(callback)); }
  void disconnect_all() { callbacks_.clear(); }
  std::size_t connected() const { return callbacks_.size(); }

  void emit(const std::string &text) {
    std::vector<py::function> snapshot = callbacks_; // a callback may disconnect
    for (const py::function &callback : snapshot)
      callback(text);
  }

private:
  std::vector<py::function> callbacks_;
};

class Transcriber {
public:
  explicit Transcriber(std::size_t bufferBytes) : size_(bufferBytes), buffer_(new char[bufferBytes]) {
    std::memset(buffer_, 0x5a, size_); // touch every page: the buffer is resident
    ++liveTranscribers;
  }
  Transcriber(const Transcriber &) = delete;
  Transcriber &operator=(const Transcriber &) = delete;
  ~Transcriber() {
    delete[] buffer_; // the only place the native memory is released
    --liveTranscribers;
  }

  // Feeds one utterance: `transcribed` fires with its text, then `session_stopped`.
  void transcribe(const std::string &text) {
    transcribed.emit(text);
    session_stopped.emit(text);
  }
  std::size_t buffer_bytes() const { return size_; }

  EventSignal transcribed;
  EventSignal session_stopped;

private:
  std::size_t size_;
  char *buffer_;
};

} // namespace speech

PYBIND11_MODULE(speech, m) {
  m.doc() = "A transcriber whose signals keep their callbacks in C++ (no GC support).";

  py::class_<speech::EventSignal>(m, "EventSignal")
      .def("connect", &speech::EventSignal::connect, py::arg("callback"))
      .def("disconnect_all", &speech::EventSignal::disconnect_all)
      .def("connected", &speech::EventSignal::connected)
      .def("emit", &speech::EventSignal::emit, py::arg("text"));

  py::class_<speech::Transcriber>(m, "Transcriber")
      .def(py::init<std::size_t>(), py::arg("buffer_bytes") = std::size_t(64) << 20)
      .def("transcribe", &speech::Transcriber::transcribe, py::arg("text"))
      .def_property_readonly("buffer_bytes", &speech::Transcriber::buffer_bytes)
      // The signals live inside the C++ Transcriber; reference_internal keeps the transcriber
      // alive while a Python reference to one of its signals exists.
      .def_property_readonly(
          "transcribed", [](speech::Transcriber &t) -> speech::EventSignal & { return t.transcribed; },
          py::return_value_policy::reference_internal)
      .def_property_readonly(
          "session_stopped",
          [](speech::Transcriber &t) -> speech::EventSignal & { return t.session_stopped; },
          py::return_value_policy::reference_internal);

  m.def("live_transcribers", [] { return speech::liveTranscribers; },
        "How many Transcribers exist (constructed, not yet destroyed).");
}
