#include "training_dataset.h"

#include "pconv/nn/tensor_image.h"

namespace pconv::train {

torch::data::Example<> sampleToTensors(const TrainingSample& sample) {
    return {nn::rgbFloatToTensor(nn::toRgbFloat(sample.image))[0], nn::holeMaskToValidTensor(sample.holes)[0]};
}

} // namespace pconv::train
