// A plugin for the loader's tests: one entry point, which the loader must reach only when the
// plugin's build ID is its own.
extern "C" __attribute__((visibility("default"))) int host_test_plugin_answer() { return 42; }
