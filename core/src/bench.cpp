#include "pconv/bench.h"

#include "pconv/errors.h"
#include "pconv/mask_generator.h"
#include "pconv/nn/memory_format.h"
#include "pconv/nn/pconv_unet.h"
#include "pconv/nn/plain_unet.h"
#include "pconv/nn/tensor_image.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <sys/resource.h>
#include <vector>

namespace pconv {
namespace {

template <typename Fn>
double medianMs(int reps, Fn&& fn) {
    fn();  // warm-up: first-touch allocations, oneDNN primitive creation
    std::vector<double> times;
    for (int i = 0; i < reps; ++i) {
        const auto start = std::chrono::steady_clock::now();
        fn();
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

} // namespace

double peakRssMb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024.0;  // Linux reports KiB
}

ForwardBenchResult benchForward(const ForwardBenchOptions& o) {
    validate(o.config);
    if (o.size % o.config.sizeMultiple() != 0)
        throw InvalidArgument("bench size " + std::to_string(o.size) + " must be a multiple of " + std::to_string(o.config.sizeMultiple()));
    if (o.reps < 1 || o.batch < 1) throw InvalidArgument("reps and batch must be at least 1");
    c10::InferenceMode inference;
    torch::manual_seed(0);
    nn::PConvUNet pconvNet(o.config);
    nn::PlainUNet plainNet(o.config);
    pconvNet->eval();
    plainNet->eval();

    MaskGeneratorOptions maskOptions;
    maskOptions.width = maskOptions.height = o.size;
    maskOptions.holeRatio = HoleRatioRange{o.holeFraction, std::min(1.0, o.holeFraction + 0.05)};
    const auto valid = nn::holeMaskToValidTensor(generateMask(maskOptions, 1).holes).expand({o.batch, 1, o.size, o.size}).contiguous();
    const auto image = torch::rand({o.batch, 3, o.size, o.size}) * 2 - 1;

    // Both nets in the layout the product uses (channels-last), so the ratio compares like with like.
    nn::useChannelsLast(*pconvNet);
    nn::useChannelsLast(*plainNet);
    const auto image2 = nn::channelsLast(image);
    ForwardBenchResult result;
    result.threads = torch::get_num_threads();
    result.parameters = nn::parameterCount(*pconvNet);
    result.plainMs = medianMs(o.reps, [&] { plainNet->forward(image2); });
    result.pconvMs = medianMs(o.reps, [&] { pconvNet->forward(image2 * valid, valid); });
    result.ratio = result.pconvMs / result.plainMs;
    result.peakRssMb = peakRssMb();
    return result;
}

double benchTrainStep(const ModelConfig& config, int size, int batch, int reps) {
    validate(config);
    if (size % config.sizeMultiple() != 0)
        throw InvalidArgument("train size " + std::to_string(size) + " must be a multiple of " + std::to_string(config.sizeMultiple()));
    torch::manual_seed(0);
    nn::PConvUNet net(config);
    if (!std::getenv("PCONV_NCHW")) nn::useChannelsLast(*net);
    net->train();
    torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(2e-4));
    MaskGeneratorOptions maskOptions;
    maskOptions.width = maskOptions.height = size;
    maskOptions.holeRatio = HoleRatioRange{0.25, 0.3};
    const auto valid = nn::holeMaskToValidTensor(generateMask(maskOptions, 1).holes).expand({batch, 1, size, size}).contiguous();
    const auto image = std::getenv("PCONV_NCHW") ? torch::rand({batch, 3, size, size}) * 2 - 1 : nn::channelsLast(torch::rand({batch, 3, size, size}) * 2 - 1);
    return medianMs(reps, [&] {
        const auto out = net->forward(image * valid, valid);
        const auto loss = ((out - image) * valid).abs().mean() + 6.0 * ((out - image) * (1 - valid)).abs().mean();
        adam.zero_grad();
        loss.backward();
        adam.step();
    });
}

} // namespace pconv
