// ocms-replay: the support tool; see cli.hpp, replay.hpp and README.md "How to replay".
#include "cli.hpp"

int main(int argc, char** argv) { return ocms::replay::cli::main(argc, argv); }
