#include "pconv/nn/network_widening.h"

#include "pconv/errors.h"
#include "pconv/nn/module_io.h"

#include <torch/utils.h>

#include <sstream>

namespace pconv::nn {
namespace {

std::string shapeText(const torch::Tensor& t) {
    std::ostringstream s;
    s << t.sizes();
    return s.str();
}

// A partial conv's weight [out, in, k, k]: input channels are mapped group by group.
void copyConvWeight(const PartialConv2dImpl& from, const PartialConv2dImpl& to, const std::string& name) {
    const torch::Tensor& stored = from.conv->weight;
    const torch::Tensor target = to.conv->weight;  // shares the wider layer's storage
    const auto& oldGroups = from.options().mask_groups().empty() ? std::vector<int64_t>{from.options().in_channels()} : from.options().mask_groups();
    const auto& newGroups = to.options().mask_groups().empty() ? std::vector<int64_t>{to.options().in_channels()} : to.options().mask_groups();
    if (oldGroups.size() != newGroups.size())
        throw InvalidArgument("cannot widen '" + name + "': " + std::to_string(oldGroups.size()) + " mask groups into " +
                              std::to_string(newGroups.size()));
    if (stored.size(0) > target.size(0) || stored.size(2) != target.size(2) || stored.size(3) != target.size(3))
        throw InvalidArgument("cannot widen '" + name + "': " + shapeText(stored) + " into " + shapeText(target));
    auto oldRows = target.narrow(0, 0, stored.size(0));
    oldRows.zero_();  // old outputs must not hear the new inputs
    int64_t oldOffset = 0, newOffset = 0;
    for (size_t g = 0; g < oldGroups.size(); ++g) {
        if (oldGroups[g] > newGroups[g])
            throw InvalidArgument("cannot widen '" + name + "': mask group " + std::to_string(g + 1) + " has " + std::to_string(oldGroups[g]) +
                                  " channels, the wider network " + std::to_string(newGroups[g]));
        oldRows.narrow(1, newOffset, oldGroups[g]).copy_(stored.narrow(1, oldOffset, oldGroups[g]));
        oldOffset += oldGroups[g];
        newOffset += newGroups[g];
    }
}

} // namespace

std::vector<std::string> copyIntoWiderNetwork(torch::nn::Module& from, torch::nn::Module& to) {
    // Norm layers, biases and the new layers are what a plain warm start gives them;
    // only the partial convs' weights need their input channels mapped group by group.
    const auto notWhole = copyOverlappingWeights(from, to);
    torch::NoGradGuard noGrad;
    const auto sourceModules = from.named_modules();
    for (const auto& item : to.named_modules()) {
        const auto* targetConv = item.value()->as<PartialConv2dImpl>();
        const auto* sourceEntry = sourceModules.find(item.key());
        const auto* sourceConv = sourceEntry ? (*sourceEntry)->as<PartialConv2dImpl>() : nullptr;
        if (!targetConv || !sourceConv) continue;
        copyConvWeight(*sourceConv, *targetConv, item.key() + ".conv.weight");
    }
    return notWhole;
}

} // namespace pconv::nn
