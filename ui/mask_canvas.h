#pragma once
// The pane you paint holes on: the photo with the mask as a semi-transparent
// overlay. Left button paints with the brush (or erases with the eraser tool),
// right button always erases; each stroke is one undo step. Stroke logic is
// callable without mouse events (beginStroke / extendStroke / endStroke).
#include "image_pane.h"

#include <QColor>
#include <QImage>

class QUndoStack;

namespace pconv::ui {

class MaskCanvas : public ImagePane {
    Q_OBJECT
public:
    enum class Tool { Brush, Eraser };

    explicit MaskCanvas(QWidget* parent = nullptr);

    // A new photo: clears the mask to its size (not undoable: the undo stack is cleared by the caller).
    void setPhoto(const QImage& photo);
    const QImage& mask() const { return mask_; }  // Grayscale8, 255 = hole

    void setUndoStack(QUndoStack* stack) { undoStack_ = stack; }
    QUndoStack* undoStack() const { return undoStack_; }

    Tool tool() const { return tool_; }
    void setTool(Tool tool);
    int brushSize() const { return brushSize_; }
    void setBrushSize(int pixels);  // diameter in image pixels, 1..1000
    QColor overlayColor() const { return overlayColor_; }
    void setOverlayColor(const QColor& color);

    // Stroke API in image coordinates.
    void beginStroke(const QPointF& imagePoint, bool erase);
    void extendStroke(const QPointF& imagePoint);
    void endStroke();
    bool isStroking() const { return stroking_; }

    // Replaces the whole mask as one undoable step (clear, invert, random, import ...).
    void replaceMask(const QImage& newMask, const QString& undoText);
    // Used by undo commands: writes `pixels` at `region` without recording anything.
    void writeMaskRegion(const QRect& region, const QImage& pixels);

Q_SIGNALS:
    void maskChanged();
    void toolChanged(Tool tool);
    void brushSizeChanged(int pixels);

protected:
    void paintOverlay(QPainter& painter) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void paintSegment(const QPointF& from, const QPointF& to);
    void refreshOverlay(const QRect& region);
    void repaintImageRect(const QRectF& imageRect);

    QImage mask_, overlay_, strokeBefore_;
    QUndoStack* undoStack_ = nullptr;
    Tool tool_ = Tool::Brush;
    int brushSize_ = 40;
    QColor overlayColor_{255, 40, 90, 140};
    bool stroking_ = false, strokeErases_ = false;
    QPointF lastPoint_;
    QRect strokeDirty_;
    QPointF hover_{-1, -1};
};

} // namespace pconv::ui
