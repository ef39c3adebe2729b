#pragma once
// Weights of the paper's loss terms. Torch-free (the CLI and the Training panel set them).

namespace pconv {

struct LossWeights {
    double valid = 1.0;
    double hole = 6.0;
    double perceptual = 0.05;
    double style = 120.0;  // applied to both L_style_out and L_style_comp
    double tv = 0.1;
    // Not in the paper: 1 - SSIM of I_comp against I_gt (the evaluation's SSIM, 11x11
    // Gaussian windows), for runs that target the SSIM metric. 0 = off.
    double ssim = 0.0;
    // Not in the paper: mean squared error over the hole pixels (of [0, 1] images), the
    // error PSNR measures. L1 is minimised by the median of what a hole could hold, L2 by
    // the mean, which is what scores best in PSNR where the content is uncertain. 0 = off.
    double holeL2 = 0.0;
    // Not in the paper: the mean over the batch's images of 10 log10(MSE) of the composite
    // against the target (whole image, [0, 1]), i.e. minus each image's PSNR in dB. The
    // evaluation averages PSNR over images, so an image's *relative* error is what counts:
    // a smooth sky whose error halves gains as much as a rock face whose error halves,
    // while an L1 sum mostly follows the images with the biggest errors. 0 = off.
    double psnr = 0.0;
};

} // namespace pconv
