// The Vulkan C API for Swift, plus wrappers for the function-like macros that do not import.
#include <vulkan/vulkan.h>

static inline uint32_t cvk_make_api_version(uint32_t variant, uint32_t major, uint32_t minor, uint32_t patch) {
    return VK_MAKE_API_VERSION(variant, major, minor, patch);
}
static inline uint32_t cvk_api_version_major(uint32_t v) { return VK_API_VERSION_MAJOR(v); }
static inline uint32_t cvk_api_version_minor(uint32_t v) { return VK_API_VERSION_MINOR(v); }
static inline uint32_t cvk_api_version_patch(uint32_t v) { return VK_API_VERSION_PATCH(v); }
