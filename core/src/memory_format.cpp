#include "pconv/nn/memory_format.h"

#include <torch/utils.h>

namespace pconv::nn {

void useChannelsLast(torch::nn::Module& module) {
    torch::NoGradGuard noGrad;
    for (auto& p : module.parameters())
        if (p.dim() == 4) p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
}

torch::Tensor channelsLast(const torch::Tensor& x) { return x.dim() == 4 ? x.contiguous(torch::MemoryFormat::ChannelsLast) : x; }

} // namespace pconv::nn
