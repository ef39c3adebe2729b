#pragma once
// The architecture of a PConv U-Net, stored in every model file so that loading
// builds the right network. Torch-free: widgets and the CLI include it freely.
#include <optional>
#include <string>

namespace pconv {

enum class NormKind { Batch, Instance, None };

// How 8-bit RGB in [0, 1] is mapped to the network's input range; the output
// goes through the inverse.
enum class InputNormalization {
    MinusOneToOne,  // x * 2 - 1 (the seed and mmagic)
    ImageNet,       // (x - mean) / std with ImageNet's RGB mean and std
};

struct ModelConfig {
    int depth = 7;    // encoder levels; the input is padded to a multiple of 2^depth
    int width = 64;   // channels of the first level; later levels use 2x, 4x, then 8x
    NormKind norm = NormKind::Batch;
    InputNormalization normalization = InputNormalization::MinusOneToOne;
    // Channels of a stride-1 5x5 partial conv on the image whose features, not
    // the raw image, are the last decoder layer's skip input; 0 = the paper's
    // layout. Lets pixels beside a hole's edge be filled from full-resolution
    // detail instead of only from upsampled half-resolution features.
    int fullResChannels = 0;
    // Decoder layers scale their upsampled and skip inputs each by its own
    // sum(1)/sum(M) (PartialConv2dOptions::scale_groups_separately); false = the
    // paper's single ratio over the concatenation.
    bool scaleSkipsSeparately = false;

    // The paper's network: 8 levels, width 64, 32.9 M parameters, for 512 px.
    static ModelConfig paper() { return ModelConfig{8, 64, NormKind::Batch, InputNormalization::MinusOneToOne, 0, false}; }

    // Multiple the input size is padded to.
    int sizeMultiple() const { return 1 << depth; }
};

std::string toString(NormKind norm);
std::string toString(InputNormalization normalization);
std::optional<NormKind> parseNormKind(const std::string& text);
std::optional<InputNormalization> parseInputNormalization(const std::string& text);

// Throws InvalidArgument when depth or width is out of the supported range.
void validate(const ModelConfig& config);

// Rough peak memory, in bytes, of one inference on a height x width image (after
// padding): the skip features of every level plus the last decoder layer's input,
// its upsampled half and its output at full resolution.
double estimateInferenceBytes(const ModelConfig& config, int height, int width);

// A one-line description such as "depth 7, width 64, batch norm, input [-1, 1]".
std::string describe(const ModelConfig& config);

} // namespace pconv
