#pragma once
// A plain-convolution U-Net with exactly the PConv U-Net's shape (same layers,
// kernels, strides, channels, norms, activations, upsampling and skips) but no
// masks: the yardstick for what partial convolution costs.
#include "pconv/model_config.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/conv.h>

#include <vector>

namespace pconv::nn {

class PlainUNetImpl : public torch::nn::Module {
public:
    explicit PlainUNetImpl(const ModelConfig& config);
    // image: [N, 3, H, W], H and W multiples of 2^depth.
    torch::Tensor forward(const torch::Tensor& image);

private:
    ModelConfig config_;
    std::vector<torch::nn::Conv2d> encoder_, decoder_;
    std::vector<torch::nn::AnyModule> encoderNorm_, decoderNorm_;
};
TORCH_MODULE(PlainUNet);

} // namespace pconv::nn
