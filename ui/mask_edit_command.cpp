#include "mask_edit_command.h"

#include "mask_canvas.h"

namespace pconv::ui {

MaskEditCommand::MaskEditCommand(MaskCanvas* canvas, const QRect& region, QImage before, QImage after, const QString& text)
    : QUndoCommand(text), canvas_(canvas), region_(region), before_(std::move(before)), after_(std::move(after)) {}

void MaskEditCommand::undo() {
    if (canvas_) canvas_->writeMaskRegion(region_, before_);
}

void MaskEditCommand::redo() {
    if (alreadyApplied_) {
        alreadyApplied_ = false;
        return;
    }
    if (canvas_) canvas_->writeMaskRegion(region_, after_);
}

} // namespace pconv::ui
