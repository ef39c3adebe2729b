#include "pconv/model_config.h"

#include "pconv/errors.h"

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
    if (config.width < 1 || config.width > 1024)
        throw InvalidArgument("model width must be between 1 and 1024, got " + std::to_string(config.width));
}

std::string describe(const ModelConfig& config) {
    const std::string range = config.normalization == InputNormalization::ImageNet ? "ImageNet mean/std" : "input [-1, 1]";
    return "depth " + std::to_string(config.depth) + ", width " + std::to_string(config.width) + ", " + toString(config.norm) +
           " norm, " + range;
}

} // namespace pconv
