// Any bytes as an image and a mask (the input split at its first quarter): reading
// them and checking them for inpainting must succeed or throw pconv::Error.
#include "fuzz_input_file.h"

#include "pconv/errors.h"
#include "pconv/image_io.h"
#include "pconv/inpainter.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::size_t split = size / 4;
    const std::string maskPath = writeFuzzFile(data, split, "-mask.png");
    const std::string imagePath = writeFuzzFile(data + split, size - split, "-image.png");
    try {
        // Keep the fuzzer's memory bounded: 4 megapixels at most.
        const cv::Mat image = pconv::readImage(imagePath, 4'000'000);
        const cv::Mat holes = pconv::readMask(maskPath, 4'000'000);
        pconv::checkInpaintInputs(image, holes);
    } catch (const pconv::Error&) {
    }
    return 0;
}
