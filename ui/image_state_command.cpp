#include "image_state_command.h"

namespace pconv::ui {

ImageStateCommand::ImageStateCommand(ImageState before, ImageState after, Apply apply, const QString& text)
    : QUndoCommand(text), before_(std::move(before)), after_(std::move(after)), apply_(std::move(apply)) {}

void ImageStateCommand::undo() { apply_(before_); }

void ImageStateCommand::redo() { apply_(after_); }

} // namespace pconv::ui
