#pragma once
// A PConv U-Net with its architecture and metadata: the thing a model file holds.
// Torch-free header: the network lives behind a pointer (see pconv/nn/model_access.h).
#include "pconv/model_config.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace pconv {

namespace nn { class PConvUNetImpl; }

class PConvModel {
public:
    // A freshly initialised network; the same seed gives the same weights.
    static PConvModel create(const ModelConfig& config, std::uint64_t seed = 0);

    // Loads a model file. Throws FileError naming the file for a missing, empty,
    // truncated, corrupt or foreign file, or one whose weights do not match its
    // stated architecture.
    static PConvModel load(const std::string& path);

    // Writes the model file atomically (temporary file, then rename). Float16
    // halves the file; loading always widens the weights back to 32 bits.
    enum class WeightPrecision { Float32, Float16 };
    void save(const std::string& path, WeightPrecision precision = WeightPrecision::Float32) const;

    const ModelConfig& config() const;
    std::int64_t parameterCount() const;

    // Free-form key/value notes kept in the file (training steps, data, date ...).
    const std::map<std::string, std::string>& metadata() const;
    void setMetadata(const std::string& key, const std::string& value);

    // The network itself, for core code that includes torch.
    nn::PConvUNetImpl& network() const;

private:
    struct State;
    explicit PConvModel(std::shared_ptr<State> state);
    std::shared_ptr<State> state_;
};

} // namespace pconv
