// Points and vectors in the plane, batched: a 2×N column-major matrix, one column per point.
// Memory is x,y,x,y,... which is what a GL vec2 buffer wants and what the score network eats.
#pragma once
#include <Eigen/Core>

namespace scorelab {

using Index = Eigen::Index;

template <class Scalar>
using PointsT = Eigen::Matrix<Scalar, 2, Eigen::Dynamic>;  // 2×N
template <class Scalar>
using ValuesT = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;  // N, one scalar per point

using Points = PointsT<float>;  // float for speed; double where a test needs a reference
using Values = ValuesT<float>;

}  // namespace scorelab
