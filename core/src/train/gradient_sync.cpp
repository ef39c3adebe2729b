#include "gradient_sync.h"

#include "pconv/errors.h"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/utils.h>
#ifdef USE_C10D_NCCL  // defined by core/CMakeLists.txt when the LibTorch in use has CUDA and NCCL headers
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <cstdlib>

namespace pconv::train {

struct GradientSync::Impl {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#ifdef USE_C10D_NCCL
    c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif

    // Runs fn on whichever group this process joined.
    template <typename Fn>
    auto withGroup(Fn&& fn) {
#ifdef USE_C10D_NCCL
        if (nccl) return fn(*nccl);
#endif
        return fn(*gloo);
    }
};

namespace {

constexpr int64_t kBucketBytes = 25 * 1024 * 1024;

// c10d reports a dead peer or a timeout as an exception from wait().
void waitFor(const c10::intrusive_ptr<c10d::Work>& work, int rank) {
    try {
        work->wait();
    } catch (const std::exception& e) {
        throw Error("rank " + std::to_string(rank) + ": lost contact with another training process (" + firstLine(e.what()) + ")");
    }
}

} // namespace

GradientSync::GradientSync(const ProcessGroupConfig& config) : config_(config), impl_(std::make_unique<Impl>()) {
    if (config.worldSize < 1 || config.rank < 0 || config.rank >= config.worldSize)
        throw InvalidArgument("rank " + std::to_string(config.rank) + " is not in a world of " + std::to_string(config.worldSize));
    try {
        c10d::TCPStoreOptions options;
        options.port = static_cast<std::uint16_t>(config.masterPort);
        options.isServer = config.rank == 0;
        options.numWorkers = static_cast<std::size_t>(config.worldSize);
        options.waitWorkers = true;
        options.timeout = config.timeout;
        impl_->store = c10::make_intrusive<c10d::TCPStore>(config.masterAddress, options);
#ifdef USE_C10D_NCCL
        if (config.device.is_cuda()) {
            // NCCL works on the current device: make it this rank's GPU, not GPU 0.
            c10::cuda::set_device(config.device.index());
            // Without blocking waits NCCL never times out: a dead peer would hang the others.
            setenv("TORCH_NCCL_BLOCKING_WAIT", "1", 0);
            setenv("NCCL_BLOCKING_WAIT", "1", 0);
            auto ncclOptions = c10d::ProcessGroupNCCL::Options::create();
            ncclOptions->timeout = config.timeout;
            impl_->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl_->store, config.rank, config.worldSize, ncclOptions);
            return;
        }
#endif
        auto groupOptions = c10d::ProcessGroupGloo::Options::create(config.timeout);
        groupOptions->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(
            config.masterAddress == "127.0.0.1" || config.masterAddress == "localhost" ? "127.0.0.1" : config.masterAddress));
        groupOptions->threads = 2;
        impl_->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, config.rank, config.worldSize, groupOptions);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error("rank " + std::to_string(config.rank) + ": cannot join the training group at " + config.masterAddress + ":" +
                    std::to_string(config.masterPort) + " (" + firstLine(e.what()) + ")");
    }
}

GradientSync::~GradientSync() = default;

std::string GradientSync::backendName() const { return impl_->gloo ? "Gloo" : "NCCL"; }

void GradientSync::broadcast(const std::vector<torch::Tensor>& tensors) {
    torch::NoGradGuard noGrad;
    for (const auto& t : tensors) {
        std::vector<torch::Tensor> one{t.is_contiguous() ? t : t.contiguous()};
        waitFor(impl_->withGroup([&](auto& group) { return group.broadcast(one); }), config_.rank);
        if (!t.is_contiguous()) t.copy_(one[0]);
    }
}

void GradientSync::allreduce(torch::Tensor& flat, bool max) {
    // The group's collectives take tensors on the training device (NCCL: GPU only).
    std::vector<torch::Tensor> one{flat.device() == config_.device ? flat : flat.to(config_.device)};
    c10d::AllreduceOptions options;
    options.reduceOp = max ? c10d::ReduceOp::MAX : c10d::ReduceOp::SUM;
    waitFor(impl_->withGroup([&](auto& group) { return group.allreduce(one, options); }), config_.rank);
    if (!one[0].is_same(flat)) flat.copy_(one[0]);
}

void GradientSync::averageGradients(const std::vector<torch::Tensor>& parameters) {
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> bucket;
    int64_t bytes = 0;
    auto flush = [&] {
        if (bucket.empty()) return;
        std::vector<torch::Tensor> flats;
        for (const auto& g : bucket) flats.push_back(g.reshape({-1}));
        auto flat = torch::cat(flats);
        allreduce(flat, false);
        flat.div_(static_cast<double>(config_.worldSize));
        int64_t offset = 0;
        for (auto& g : bucket) {
            g.copy_(flat.narrow(0, offset, g.numel()).view_as(g));
            offset += g.numel();
        }
        bucket.clear();
        bytes = 0;
    };
    for (const auto& p : parameters) {
        if (!p.grad().defined()) continue;
        bucket.push_back(p.grad());
        bytes += p.grad().numel() * static_cast<int64_t>(sizeof(float));
        if (bytes >= kBucketBytes) flush();
    }
    flush();
}

void GradientSync::sum(torch::Tensor& values) { allreduce(values, false); }
void GradientSync::max(torch::Tensor& values) { allreduce(values, true); }

} // namespace pconv::train
