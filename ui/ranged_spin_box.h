#pragma once
// A QSpinBox with its range and starting value set, the form rows' common case.
class QSpinBox;
class QWidget;

namespace pconv::ui {

QSpinBox* rangedSpinBox(int min, int max, int value, QWidget* parent);

} // namespace pconv::ui
