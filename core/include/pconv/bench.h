#pragma once
// Forward-pass timing of the PConv U-Net against a plain-conv U-Net of the same
// shape, in one process, for `pconv bench`. Torch-free header.
#include "pconv/model_config.h"

#include <string>

namespace pconv {

struct ForwardBenchOptions {
    ModelConfig config = ModelConfig::paper();
    int size = 512;     // square input
    int batch = 1;
    int reps = 10;      // timed runs after one warm-up each; the median is reported
    double holeFraction = 0.25;
};

struct ForwardBenchResult {
    double pconvMs = 0, plainMs = 0, ratio = 0;
    double peakRssMb = 0;
    long long parameters = 0;
    int threads = 0;
};

ForwardBenchResult benchForward(const ForwardBenchOptions& options);

// One training step (forward, L1 valid + 6 x hole loss, backward, Adam) of the
// PConv U-Net in train mode; the median over reps after a warm-up, in ms.
double benchTrainStep(const ModelConfig& config, int size, int batch, int reps);

// Peak resident set size of this process so far, in MB (from getrusage).
double peakRssMb();

} // namespace pconv
