#include "pconv/model_average.h"

#include "pconv/errors.h"
#include "pconv/nn/pconv_unet.h"

#include <torch/utils.h>

namespace pconv {
namespace {

// Parameters and buffers (BatchNorm statistics) by name: everything a model file holds.
torch::OrderedDict<std::string, torch::Tensor> namedTensors(const PConvModel& model) {
    auto tensors = model.network().named_parameters(true);
    for (const auto& item : model.network().named_buffers(true)) tensors.insert(item.key(), item.value());
    return tensors;
}

} // namespace

PConvModel averageModels(const std::vector<PConvModel>& models) {
    if (models.empty()) throw InvalidArgument("no models to average");
    const std::string architecture = describe(models.front().config());
    for (const auto& m : models)
        if (describe(m.config()) != architecture)
            throw InvalidArgument("cannot average models of different architectures: " + architecture + " and " + describe(m.config()));

    PConvModel average = PConvModel::create(models.front().config());
    torch::NoGradGuard noGrad;
    auto target = namedTensors(average);
    std::vector<torch::OrderedDict<std::string, torch::Tensor>> sources;
    for (const auto& m : models) sources.push_back(namedTensors(m));
    for (auto& item : target) {
        torch::Tensor& out = item.value();
        if (!out.is_floating_point()) {
            out.copy_(sources.back()[item.key()]);
            continue;
        }
        auto sum = torch::zeros_like(out, torch::kFloat64);
        for (const auto& s : sources) sum += s[item.key()].to(torch::kFloat64);
        out.copy_(sum / static_cast<double>(sources.size()));
    }
    for (const auto& [key, value] : models.back().metadata()) average.setMetadata(key, value);
    average.setMetadata("averaged_models", std::to_string(models.size()));
    return average;
}

} // namespace pconv
