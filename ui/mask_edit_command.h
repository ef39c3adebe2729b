#pragma once
// One undo step of mask editing: the pixels of a region before and after.
#include <QImage>
#include <QPointer>
#include <QRect>
#include <QUndoCommand>

namespace pconv::ui {

class MaskCanvas;

class MaskEditCommand : public QUndoCommand {
public:
    // The change is already on the canvas when the command is pushed.
    MaskEditCommand(MaskCanvas* canvas, const QRect& region, QImage before, QImage after, const QString& text);
    void undo() override;
    void redo() override;

private:
    QPointer<MaskCanvas> canvas_;
    QRect region_;
    QImage before_, after_;
    bool alreadyApplied_ = true;
};

} // namespace pconv::ui
