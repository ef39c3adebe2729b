#pragma once
// The entries that model files and checkpoints both carry: which of the two a file
// is, and the "arch_*" entries, so that loading either builds the right network.
#include "pconv/model_config.h"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

namespace pconv {

// The "pconv_format" entry names the kind of file.
constexpr const char* kFormatKey = "pconv_format";
constexpr const char* kModelFormatName = "pconv-studio-model";
constexpr const char* kCheckpointFormatName = "pconv-studio-checkpoint";

// The file's "pconv_format" entry; empty when it has none (not one of our files).
std::string readFormatName(torch::serialize::InputArchive& archive);

// Typed reads of one entry; throw pconv::Error "missing or invalid '<key>' entry".
int64_t readIntEntry(torch::serialize::InputArchive& archive, const std::string& key);
std::string readStringEntry(torch::serialize::InputArchive& archive, const std::string& key);

void writeArchitecture(torch::serialize::OutputArchive& archive, const ModelConfig& config);

// Throws pconv::Error naming a missing or invalid entry. Files written before
// the full-resolution stem and separate skip scaling existed have no entries for
// them: they have neither.
ModelConfig readArchitecture(torch::serialize::InputArchive& archive);

} // namespace pconv
