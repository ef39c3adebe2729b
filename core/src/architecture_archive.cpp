#include "architecture_archive.h"

#include "pconv/errors.h"

namespace pconv {

int64_t readIntEntry(torch::serialize::InputArchive& archive, const std::string& key) {
    c10::IValue value;
    if (!archive.try_read(key, value) || !value.isInt()) throw Error("missing or invalid '" + key + "' entry");
    return value.toInt();
}

std::string readFormatName(torch::serialize::InputArchive& archive) {
    c10::IValue value;
    return archive.try_read(kFormatKey, value) && value.isString() ? value.toStringRef() : std::string();
}

std::string readStringEntry(torch::serialize::InputArchive& archive, const std::string& key) {
    c10::IValue value;
    if (!archive.try_read(key, value) || !value.isString()) throw Error("missing or invalid '" + key + "' entry");
    return value.toStringRef();
}

void writeArchitecture(torch::serialize::OutputArchive& archive, const ModelConfig& config) {
    archive.write("arch_depth", c10::IValue(static_cast<int64_t>(config.depth)));
    archive.write("arch_width", c10::IValue(static_cast<int64_t>(config.width)));
    archive.write("arch_norm", c10::IValue(toString(config.norm)));
    archive.write("arch_normalization", c10::IValue(toString(config.normalization)));
    archive.write("arch_full_res_channels", c10::IValue(static_cast<int64_t>(config.fullResChannels)));
    archive.write("arch_scale_skips_separately", c10::IValue(static_cast<int64_t>(config.scaleSkipsSeparately ? 1 : 0)));
}

ModelConfig readArchitecture(torch::serialize::InputArchive& archive) {
    ModelConfig config;
    config.depth = static_cast<int>(readIntEntry(archive, "arch_depth"));
    config.width = static_cast<int>(readIntEntry(archive, "arch_width"));
    const std::string normText = readStringEntry(archive, "arch_norm");
    const std::string normalizationText = readStringEntry(archive, "arch_normalization");
    const auto norm = parseNormKind(normText);
    const auto normalization = parseInputNormalization(normalizationText);
    if (!norm) throw Error("unknown norm '" + normText + "'");
    if (!normalization) throw Error("unknown input normalization '" + normalizationText + "'");
    config.norm = *norm;
    config.normalization = *normalization;
    c10::IValue value;
    if (archive.try_read("arch_full_res_channels", value)) {
        if (!value.isInt()) throw Error("invalid 'arch_full_res_channels' entry");
        config.fullResChannels = static_cast<int>(value.toInt());
    }
    if (archive.try_read("arch_scale_skips_separately", value)) {
        if (!value.isInt()) throw Error("invalid 'arch_scale_skips_separately' entry");
        config.scaleSkipsSeparately = value.toInt() != 0;
    }
    validate(config);
    return config;
}

} // namespace pconv
