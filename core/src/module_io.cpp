#include "pconv/nn/module_io.h"

#include "pconv/errors.h"

#include <torch/utils.h>

#include <sstream>
#include <string>

namespace pconv::nn {

void loadModuleChecked(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::string& prefix) {
    torch::NoGradGuard noGrad;
    auto copyInto = [&](const std::string& name, torch::Tensor& target, bool isBuffer) {
        torch::Tensor stored;
        if (!archive.try_read(name, stored, isBuffer)) throw Error("missing weight '" + prefix + name + "'");
        if (stored.sizes() != target.sizes()) {
            std::ostringstream msg;
            msg << "weight '" << prefix << name << "' has shape " << stored.sizes() << ", the architecture needs " << target.sizes();
            throw Error(msg.str());
        }
        // A NaN or infinite weight fills every hole with black or garbage, silently.
        if (stored.is_floating_point() && !torch::isfinite(stored).all().item<bool>())
            throw Error("weight '" + prefix + name + "' holds values that are not finite numbers (NaN or infinity): the model is unusable");
        target.copy_(stored);
    };
    for (auto& item : module.named_parameters(/*recurse=*/false)) copyInto(item.key(), item.value(), false);
    for (auto& item : module.named_buffers(/*recurse=*/false)) copyInto(item.key(), item.value(), true);
    for (auto& child : module.named_children()) {
        torch::serialize::InputArchive childArchive;
        if (!archive.try_read(child.key(), childArchive)) throw Error("missing layer '" + prefix + child.key() + "'");
        loadModuleChecked(*child.value(), childArchive, prefix + child.key() + ".");
    }
}

void saveModuleAs(const torch::nn::Module& module, torch::serialize::OutputArchive& archive, torch::Dtype dtype) {
    torch::NoGradGuard noGrad;
    auto stored = [dtype](const torch::Tensor& t) { return t.is_floating_point() ? t.to(torch::kCPU, dtype) : t.to(torch::kCPU); };
    for (const auto& item : module.named_parameters(/*recurse=*/false)) archive.write(item.key(), stored(item.value()), /*is_buffer=*/false);
    for (const auto& item : module.named_buffers(/*recurse=*/false)) archive.write(item.key(), stored(item.value()), /*is_buffer=*/true);
    for (const auto& child : module.named_children()) {
        torch::serialize::OutputArchive childArchive(archive.compilation_unit());
        saveModuleAs(*child.value(), childArchive, dtype);
        archive.write(child.key(), childArchive);
    }
}

} // namespace pconv::nn

namespace pconv::nn {

std::vector<std::string> copyOverlappingWeights(torch::nn::Module& from, torch::nn::Module& to) {
    torch::NoGradGuard noGrad;
    auto source = from.named_parameters();
    auto sourceBuffers = from.named_buffers();
    std::vector<std::string> notFullyCopied;
    auto copyOne = [&](const std::string& name, torch::Tensor& target, const torch::Tensor* stored) {
        if (!stored || stored->dim() != target.dim()) {
            notFullyCopied.push_back(name);
            return;
        }
        torch::Tensor targetBlock = target, storedBlock = *stored;
        for (int64_t d = 0; d < target.dim(); ++d) {
            const int64_t n = std::min(target.size(d), stored->size(d));
            targetBlock = targetBlock.narrow(d, 0, n);
            storedBlock = storedBlock.narrow(d, 0, n);
        }
        targetBlock.copy_(storedBlock);
        if (stored->sizes() != target.sizes()) notFullyCopied.push_back(name);
    };
    for (auto& item : to.named_parameters()) copyOne(item.key(), item.value(), source.find(item.key()));
    for (auto& item : to.named_buffers()) copyOne(item.key(), item.value(), sourceBuffers.find(item.key()));
    return notFullyCopied;
}

} // namespace pconv::nn
