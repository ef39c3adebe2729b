#include "pconv/model_config.h"

#include "pconv/errors.h"

#include <algorithm>

namespace pconv {

std::string toString(NormKind norm) {
    switch (norm) {
    case NormKind::Batch: return "batch";
    case NormKind::Instance: return "instance";
    case NormKind::None: return "none";
    }
    return "none";
}

std::string toString(InputNormalization normalization) {
    switch (normalization) {
    case InputNormalization::MinusOneToOne: return "minus_one_to_one";
    case InputNormalization::ImageNet: return "imagenet";
    }
    return "minus_one_to_one";
}

std::optional<NormKind> parseNormKind(const std::string& text) {
    for (auto kind : {NormKind::Batch, NormKind::Instance, NormKind::None})
        if (toString(kind) == text) return kind;
    return std::nullopt;
}

std::optional<InputNormalization> parseInputNormalization(const std::string& text) {
    for (auto n : {InputNormalization::MinusOneToOne, InputNormalization::ImageNet})
        if (toString(n) == text) return n;
    return std::nullopt;
}

void validate(const ModelConfig& config) {
    if (config.depth < 1 || config.depth > 9)
        throw InvalidArgument("model depth must be between 1 and 9, got " + std::to_string(config.depth));
    // 256 is four times the paper's width: about 0.5 G parameters (2 GB) at depth 8.
    if (config.width < 1 || config.width > 256)
        throw InvalidArgument("model width must be between 1 and 256, got " + std::to_string(config.width));
    if (config.fullResChannels < 0 || config.fullResChannels > 256)
        throw InvalidArgument("full-resolution channels must be between 0 and 256, got " + std::to_string(config.fullResChannels));
}

double estimateInferenceBytes(const ModelConfig& config, int height, int width) {
    const double pixels = static_cast<double>(height) * width;
    auto channels = [&](int level) { return level == 0 ? 3.0 : config.width * static_cast<double>(1 << std::min(level - 1, 3)); };
    double floats = 0;
    for (int level = 0; level <= config.depth; ++level) floats += channels(level) * pixels / static_cast<double>(1 << (2 * level));
    floats += (2 * channels(1) + 3 + 3) * pixels;  // upsampled, concatenated and output maps at full size
    floats += 2.0 * config.fullResChannels * pixels;  // the stem's features, alone and in the concatenation
    // +30% for the image's own float copies and allocator slack (measured: 5.0 GB
    // peak RSS for a width-20, depth-7 net on 4096x4096, against 3.9 GB counted above).
    return 1.3 * floats * sizeof(float);
}

std::string describe(const ModelConfig& config) {
    const std::string range = config.normalization == InputNormalization::ImageNet ? "ImageNet mean/std" : "input [-1, 1]";
    return "depth " + std::to_string(config.depth) + ", width " + std::to_string(config.width) + ", " + toString(config.norm) +
           " norm, " + range +
           (config.fullResChannels > 0 ? ", full-resolution stem of " + std::to_string(config.fullResChannels) + " channels" : "") +
           (config.scaleSkipsSeparately ? ", skips scaled separately" : "");
}

} // namespace pconv
