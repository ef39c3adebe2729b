#include "pconv/nn/network_widening.h"

#include "pconv/errors.h"

#include <torch/utils.h>

#include <set>
#include <sstream>

namespace pconv::nn {
namespace {

std::string shapeText(const torch::Tensor& t) {
    std::ostringstream s;
    s << t.sizes();
    return s.str();
}

// The leading block of `target` that `stored` fills; throws where `target` is smaller.
torch::Tensor leadingBlock(torch::Tensor target, const torch::Tensor& stored, const std::string& name) {
    if (stored.dim() != target.dim()) throw InvalidArgument("cannot widen '" + name + "': " + shapeText(stored) + " into " + shapeText(target));
    for (int64_t d = 0; d < target.dim(); ++d) {
        if (stored.size(d) > target.size(d))
            throw InvalidArgument("cannot widen '" + name + "': " + shapeText(stored) + " is larger than " + shapeText(target));
        target = target.narrow(d, 0, stored.size(d));
    }
    return target;
}

// A partial conv's weight [out, in, k, k]: input channels are mapped group by group.
// `target` shares the wider layer's storage.
void copyConvWeight(const PartialConv2dImpl& from, const PartialConv2dImpl& to, const torch::Tensor& stored, torch::Tensor target,
                    const std::string& name) {
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
    torch::NoGradGuard noGrad;
    std::vector<std::string> notWhole;
    const auto sourceModules = from.named_modules();
    std::set<std::string> handledWithParent;  // a partial conv's inner Conv2d, copied with its groups
    for (const auto& item : to.named_modules()) {
        const std::string& moduleName = item.key();
        torch::nn::Module& target = *item.value();
        const auto* sourceEntry = sourceModules.find(moduleName);
        const std::string prefix = moduleName.empty() ? "" : moduleName + ".";
        if (!sourceEntry) {
            for (const auto& p : target.named_parameters(/*recurse=*/false)) notWhole.push_back(prefix + p.key());
            for (const auto& b : target.named_buffers(/*recurse=*/false)) notWhole.push_back(prefix + b.key());
            continue;
        }
        torch::nn::Module& source = **sourceEntry;
        // A partial conv's weight lives in its child "conv"; it is copied here, group by group.
        const auto* sourceConv = source.as<PartialConv2dImpl>();
        const auto* targetConv = target.as<PartialConv2dImpl>();
        const auto sourceParameters = source.named_parameters(/*recurse=*/false);
        const auto sourceBuffers = source.named_buffers(/*recurse=*/false);
        auto copyTensors = [&](auto targetTensors, const auto& sourceTensors) {
            for (auto& t : targetTensors) {
                const std::string name = prefix + t.key();
                const auto* stored = sourceTensors.find(t.key());
                if (!stored) {
                    notWhole.push_back(name);
                    continue;
                }
                leadingBlock(t.value(), *stored, name).copy_(*stored);
                if (stored->sizes() != t.value().sizes()) notWhole.push_back(name);
            }
        };
        if (handledWithParent.count(moduleName)) continue;
        if (sourceConv && targetConv) {
            copyTensors(target.named_parameters(false), sourceParameters);  // the bias
            const auto& storedWeight = sourceConv->conv->weight;
            const torch::Tensor targetWeight = targetConv->conv->weight;  // shares the storage
            copyConvWeight(*sourceConv, *targetConv, storedWeight, targetWeight, prefix + "conv.weight");
            if (storedWeight.sizes() != targetWeight.sizes()) notWhole.push_back(prefix + "conv.weight");
            handledWithParent.insert(prefix + "conv");  // named_modules() lists a parent before its children
            continue;
        }
        copyTensors(target.named_parameters(false), sourceParameters);
        copyTensors(target.named_buffers(false), sourceBuffers);
    }
    return notWhole;
}

} // namespace pconv::nn
