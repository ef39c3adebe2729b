#pragma once
// Models to and from PyTorch. Torch-free header.
//
// Import: checkpoints of the popular PyTorch port (naoto0804/pytorch-inpainting-
// with-partial-convolution): a torch.save() dict whose 'model' entry holds keys
// such as enc_1.conv.input_conv.weight, enc_2.bn.running_mean, dec_1.conv.input_conv.bias
// (7 levels, width 64, ImageNet normalisation). That port divides by sum(M) only,
// without the paper's sum(1) factor; its convolution weights are divided by
// C_in*k*k on import, which makes our (paper-exact) layer compute what the port computed.
//
// Export: a torch.save()-compatible dict {'format': 'pconv-studio', 'config': {...},
// 'state_dict': {name: tensor}} that Python's torch.load reads (tools/pconv_reference.py
// rebuilds the network from it).
#include "pconv/model.h"

#include <string>

namespace pconv {

// Throws FileError naming the file when it is missing, unreadable or not of that layout.
PConvModel importPytorchPortCheckpoint(const std::string& path);

// Writes atomically. Throws FileError.
void exportPytorchStateDict(const PConvModel& model, const std::string& path);

// True when the file looks like a torch.save() file rather than a .pconv model
// (.pconv files are LibTorch archives with a 'pconv_format' entry).
bool isPconvModelFile(const std::string& path);

// Before reading a torch.save() file (a port's checkpoint, VGG16 weights): throws FileError
// saying plainly what the file is instead (a PConv Studio model or checkpoint, an image,
// not an archive, truncated or damaged), rather than the unpickler's own words. `wanted`
// names what was asked for, e.g. "VGG16 weights".
void checkIsTorchSaveFile(const std::string& path, const std::string& wanted);

} // namespace pconv
