#include "pconv/nn/module_io.h"

#include "pconv/errors.h"

#include <torch/utils.h>

#include <sstream>

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

} // namespace pconv::nn
