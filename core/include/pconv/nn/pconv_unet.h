#pragma once
// The PConv U-Net of the paper: a strided partial-conv encoder and a decoder that
// upsamples features and masks (nearest, x2), concatenates them with the skip's
// features and masks, and applies a 3x3 partial conv. Depth and width are
// configurable; ModelConfig::paper() is the paper's 8-level, width-64 net. An
// optional full-resolution stem (ModelConfig::fullResChannels) feeds the last
// decoder layer in place of the raw image.
#include "pconv/model_config.h"
#include "pconv/nn/partial_conv.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>

#include <vector>

namespace pconv::nn {

class PConvUNetImpl : public torch::nn::Module {
public:
    explicit PConvUNetImpl(const ModelConfig& config);

    // image: [N, 3, H, W] already normalised (ModelConfig::normalization), H and W
    // multiples of 2^depth; mask: [N, 1, H, W], 1 = valid, 0 = hole.
    // Returns the raw prediction [N, 3, H, W] in the normalised range.
    torch::Tensor forward(const torch::Tensor& image, const torch::Tensor& mask);

    const ModelConfig& config() const { return config_; }

    // Channels after encoder level l (1-based); level 0 is the 3-channel image.
    int64_t channelsAt(int level) const;

    // Channels of the last decoder layer's skip input: the stem's, else the image's 3.
    int64_t skipChannelsAtFullResolution() const;

    // Encoder levels whose norm layers are frozen in fine-tuning (all of them).
    std::vector<std::shared_ptr<torch::nn::Module>> encoderNorms() const { return encoder_norm_ptrs_; }

private:
    ModelConfig config_;
    std::vector<PartialConv2d> encoder_, decoder_;
    PartialConv2d stem_{nullptr};  // only with ModelConfig::fullResChannels > 0
    // Norm layer per level, empty where the paper has none (first encoder, last decoder).
    std::vector<torch::nn::AnyModule> encoder_norm_, decoder_norm_;
    std::vector<std::shared_ptr<torch::nn::Module>> encoder_norm_ptrs_;
};
TORCH_MODULE(PConvUNet);

// Number of trainable parameters.
int64_t parameterCount(torch::nn::Module& module);

} // namespace pconv::nn
