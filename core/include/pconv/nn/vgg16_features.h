#pragma once
// VGG16's convolutional layers up to pool3, for the perceptual and style losses.
// Weights come from a file the user supplies (nothing is downloaded): a
// torch.save()d state_dict of torchvision's vgg16().features, see docs/training.md.
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>

#include <string>
#include <vector>

namespace pconv::nn {

class Vgg16FeaturesImpl : public torch::nn::Module {
public:
    Vgg16FeaturesImpl();

    // image: [N, 3, H, W] RGB in [0, 1]; ImageNet mean/std are applied inside.
    // Returns the pool1, pool2 and pool3 feature maps.
    std::vector<torch::Tensor> forward(const torch::Tensor& image);

    // Loads weights saved from Python with
    //   torch.save(torchvision.models.vgg16(weights=...).features.state_dict(), FILE)
    // (keys "0.weight" ... "14.bias"; a full vgg16 state_dict with "features." keys
    // works too). Throws FileError naming the file on any problem.
    void loadWeights(const std::string& path);

    // torchvision's index of each conv layer in vgg16().features (up to pool3).
    static const std::vector<int>& torchvisionIndices();

private:
    std::vector<torch::nn::Conv2d> convs_;
};
TORCH_MODULE(Vgg16Features);

} // namespace pconv::nn
