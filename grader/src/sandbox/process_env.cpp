// Boost.Process v2 in header-only mode wants its environment implementation compiled in
// exactly one translation unit of the program; this is that unit for the grader.
#include <boost/process/v2/impl/environment.ipp>
