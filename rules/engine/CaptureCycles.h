// The cycles the facts and the API models prove: a callback registration that a model says
// stores its callback on an object the callback itself keeps alive, not undone on every path
// in the same function. Computed once per scan; CCY101, CCY103 and CCY001 each report their
// share of them.
#pragma once

#include "engine/ApiModels.h"
#include "engine/Finding.h"

#include <optional>

namespace capcycle {

struct CaptureCycle {
  const CallbackRegistration *registration = nullptr;
  ConnectionMatch match;
  const Capture *capture = nullptr; // the capture that closes the cycle
  // What the cycle keeps alive that only a finalizer would release, if anything.
  std::string pinnedType;                         // e.g. "ConversationTranscriber"
  std::string pinnedText;                         // the object on the owner path: "self.recognizer"
  const ApiModel *pinnedByModel = nullptr;        // a model's finalizer_only_handles
  std::string pinnedClaimedClass;                 // the class it lists: pinnedType or a base
  const FinalizerRelease *pinnedByClass = nullptr; // a class of the scan (CCY102)
  // Where the owner's first attribute is assigned (`self.recognizer = ...`, maybe in a base
  // class in another file), for the cycle's first edge; the root's definition otherwise.
  std::optional<SourceLocation> ownerAssignedAt;
  // Undone in another method of the owner's class (`stop()` disconnects it): the cycle lasts
  // until that method runs, a lifecycle the code manages rather than a leak it makes.
  const LifecycleBreaker *brokenOnlyBy = nullptr;
  // The receiver is a local the function hands to a holder the capture owns
  // (`self.group.add_action(action)`): the cycle goes capture -> holder -> receiver.
  const ObjectHolder *keptBy = nullptr;
  HolderMatch keeper;

  bool shapeOnly() const { return match.model->shapeOnly; }
  // Matched by shape on an object nothing tells the type of (a parameter, the result of an
  // unknown call): a guess, reported only as CCY103. A shape match on an object made by a
  // known, unmodelled import (`speech.Transcriber()`) is no guess about the object, only about
  // the storage: CCY101.
  bool guessed() const { return shapeOnly() && match.ownerType.empty(); }
  bool pinsNativeHandle() const { return pinnedByModel || pinnedByClass; }
  // Scanned C++ stores the callable where the GC cannot see it: the cycle is never collected.
  bool storedOpaquelyInCpp() const {
    return match.connection->storeLocation.valid() &&
           match.connection->storage == Storage::GcOpaque;
  }
  bool leaksNatively() const { return pinsNativeHandle() || storedOpaquelyInCpp(); }
  // Whether Python's cyclic garbage collector can free the cycle, as far as the storage is
  // known. A collectable cycle that pins a native handle still holds it until a collection
  // runs — one that is triggered by object counts, not by the native bytes held.
  std::optional<bool> collectable() const {
    switch (match.connection->storage) {
    case Storage::GcVisible: return true;
    case Storage::GcOpaque: return false;
    case Storage::Unknown: break;
    }
    return std::nullopt;
  }
};

std::vector<CaptureCycle> findCaptureCycles(const FactSet &facts, const ApiModels &models);

// The finding for a cycle, edge by edge: owner -> storage -> callback -> captured owner (and,
// when it pins one, the finalizer that would have released the native handle).
Finding describeCycle(const CaptureCycle &cycle, const char *ruleId, Level level);

} // namespace capcycle
