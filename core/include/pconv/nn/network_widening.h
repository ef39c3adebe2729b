#pragma once
// Warm start of a wider PConv U-Net from a narrower one (the Net2Net idea):
// the old channels keep their weights and the new ones start silent, so the
// wider network computes what the narrower one did and training only has to
// teach it what the extra capacity can add.
#include "pconv/nn/pconv_unet.h"

#include <string>
#include <vector>

namespace pconv::nn {

// Copies `from` into `to`, which has the same layers (by name) and as many or
// more channels everywhere. In each partial conv, every mask group's old input
// channels go to the start of the same group in `to`; the weights by which old
// output channels read the new input channels are zeroed, and new output
// channels keep their fresh initialisation. Everything else is copied as by
// copyOverlappingWeights (norm layers and biases keep their old leading part;
// layers that `from` lacks keep their fresh initialisation). Throws
// pconv::InvalidArgument where a partial conv of `to` is narrower or its mask
// groups differ in number. Returns the names of `to`'s tensors not copied whole.
std::vector<std::string> copyIntoWiderNetwork(torch::nn::Module& from, torch::nn::Module& to);

} // namespace pconv::nn
