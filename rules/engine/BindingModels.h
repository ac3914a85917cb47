// The join between the languages: the C++ facts of a scanned extension module become API
// models for the Python names it exports, exactly like a shipped model file. Module `speech`,
// type `Transcriber`, attribute `transcribed` is a signal owned by the transcriber; its
// `connect` stores the callable in a member the GC cannot see; `Transcriber` frees its handle
// only in its destructor.
#pragma once

#include "engine/ApiModels.h"

namespace capcycle {

std::vector<ApiModel> deriveBindingModels(const FactSet &facts);

} // namespace capcycle
