#include "pconv/model_average.h"

#include "pconv/errors.h"
#include "pconv/nn/pconv_unet.h"

#include <algorithm>
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
    // What every input says alike (the training data, crop size ...) holds for the mean too;
    // the rest (steps, dates) differs between them, and a validation score is the one model's.
    for (const auto& [key, value] : models.front().metadata()) {
        if (key == "validation_psnr" || key == "best_validation_psnr") continue;
        const bool shared = std::all_of(models.begin(), models.end(), [&, &key = key, &value = value](const PConvModel& m) {
            const auto it = m.metadata().find(key);
            return it != m.metadata().end() && it->second == value;
        });
        if (shared) average.setMetadata(key, value);
    }
    average.setMetadata("averaged_models", std::to_string(models.size()));
    return average;
}

} // namespace pconv
