#pragma once
// Several independently trained models in one file, whose fills are averaged: their
// errors are only partly alike (correlation about 0.8), so the mean of their fills
// beats each of them (models/README.md has the measurements). Torch-free header.
#include "pconv/model.h"

#include <string>
#include <vector>

namespace pconv {

// The models a file holds for filling holes: a model file gives its one model, an
// ensemble file its members in order. Throws FileError naming the file for anything
// PConvModel::load refuses (checkpoints, corrupt or foreign files ...).
std::vector<PConvModel> loadModelMembers(const std::string& path);

// Writes an ensemble file atomically. Throws InvalidArgument for fewer than two
// members or one model given twice; members may differ in architecture.
void saveEnsemble(const std::string& path, const std::vector<PConvModel>& members,
                  PConvModel::WeightPrecision precision = PConvModel::WeightPrecision::Float32);

} // namespace pconv
