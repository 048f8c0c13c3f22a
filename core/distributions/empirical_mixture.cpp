// stub: being written
#include "core/distributions/empirical_mixture.h"
