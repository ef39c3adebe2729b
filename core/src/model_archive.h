#pragma once
// A model's entries inside a LibTorch archive, and the file checks around reading and
// writing one: shared by model files (one model) and ensemble files (several, each
// in its own nested archive).
#include "pconv/model.h"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <string>

namespace pconv {

// Writes the format name, version, architecture, metadata and weights of one model.
void writeModelEntries(torch::serialize::OutputArchive& archive, const PConvModel& model, PConvModel::WeightPrecision precision);

// Reads what writeModelEntries wrote (after the format name was checked); throws
// pconv::Error naming a missing or invalid entry.
PConvModel readModelEntries(torch::serialize::InputArchive& archive);

// Opens a model or ensemble file: throws FileError naming the file when it is missing,
// a folder, empty, a torch.save() file, unsafe or unreadable.
void openModelArchive(const std::string& path, torch::serialize::InputArchive& archive);

// Serialises the archive and writes it atomically (temporary file, then rename).
void saveModelArchive(torch::serialize::OutputArchive& archive, const std::string& path);

} // namespace pconv
