// Reproduces the crash that `.exclusiveVulkan` (Sources/TestSupport/ExclusiveVulkan.swift) keeps out of the tests:
// Vulkan used with the Khronos validation layer from several threads at once, on instances and devices of their own
// (which the Vulkan spec allows), crashes inside the layer shipped by Debian 12 (1.3.239).
//
//   gcc -O1 -o race tools/validation-layer-race/race.c -lvulkan -lpthread
//   LP_NUM_THREADS=0 ./race 20          # two threads making and destroying instances and devices, two calling:
//                                       # SIGSEGV in libVkLayer_khronos_validation.so within seconds
//   LP_NUM_THREADS=0 ./race 20 gate     # the same with every iteration under one mutex: runs its 20 seconds
//
// Needs libvulkan-dev, vulkan-validationlayers and a Vulkan driver (mesa-vulkan-drivers: lavapipe).
#include <vulkan/vulkan.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char *layers[] = {"VK_LAYER_KHRONOS_validation"};
static volatile int stop = 0;
static int gated = 0;   // every iteration under one mutex, as .exclusiveVulkan runs test cases
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;

static VkInstance make_instance(void) {
    VkApplicationInfo app = {VK_STRUCTURE_TYPE_APPLICATION_INFO, 0, "race", 0, "race", 0, VK_API_VERSION_1_2};
    VkInstanceCreateInfo info = {VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, 0, 0, &app, 1, layers, 0, 0};
    VkInstance instance;
    if (vkCreateInstance(&info, 0, &instance) != VK_SUCCESS) { fprintf(stderr, "vkCreateInstance failed\n"); exit(2); }
    return instance;
}

static VkDevice make_device(VkInstance instance) {
    uint32_t count = 1;
    VkPhysicalDevice physical;
    vkEnumeratePhysicalDevices(instance, &count, &physical);
    float priority = 1;
    VkDeviceQueueCreateInfo queue = {VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, 0, 0, 0, 1, &priority};
    VkDeviceCreateInfo info = {VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, 0, 0, 1, &queue, 0, 0, 0, 0, 0};
    VkDevice device;
    if (vkCreateDevice(physical, &info, 0, &device) != VK_SUCCESS) { fprintf(stderr, "vkCreateDevice failed\n"); exit(2); }
    return device;
}

static void *churn(void *arg) {
    long *made = arg;
    while (!stop) {
        if (gated) pthread_mutex_lock(&gate);
        VkInstance instance = make_instance();
        VkDevice device = make_device(instance);
        vkDestroyDevice(device, 0);
        vkDestroyInstance(instance, 0);
        if (gated) pthread_mutex_unlock(&gate);
        (*made)++;
    }
    return 0;
}

static void *calls(void *arg) {
    long *made = arg;
    VkInstance instance = make_instance();
    VkDevice device = make_device(instance);
    VkBufferCreateInfo info = {VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, 0, 0, 256, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
                               VK_SHARING_MODE_EXCLUSIVE, 0, 0};
    while (!stop) {
        VkBuffer buffer;
        if (gated) pthread_mutex_lock(&gate);
        vkCreateBuffer(device, &info, 0, &buffer);
        vkDestroyBuffer(device, buffer, 0);
        if (gated) pthread_mutex_unlock(&gate);
        (*made)++;
    }
    vkDestroyDevice(device, 0);
    vkDestroyInstance(instance, 0);
    return 0;
}

int main(int argc, char **argv) {
    int seconds = argc > 1 ? atoi(argv[1]) : 20;
    gated = argc > 2 && argv[2][0] == 'g';
    // Long-lived devices, as the test fixtures keep; then two threads making devices and two calling.
    for (int i = 0; i < 6; i++) make_device(make_instance());
    long churned[2] = {0, 0}, called[2] = {0, 0};
    pthread_t threads[4];
    pthread_create(&threads[0], 0, churn, &churned[0]);
    pthread_create(&threads[1], 0, churn, &churned[1]);
    pthread_create(&threads[2], 0, calls, &called[0]);
    pthread_create(&threads[3], 0, calls, &called[1]);
    struct timespec t = {seconds, 0};
    nanosleep(&t, 0);
    stop = 1;
    for (int i = 0; i < 4; i++) pthread_join(threads[i], 0);
    printf("%s: %ld instance+device pairs made and destroyed, %ld buffer create/destroy calls\n",
           gated ? "gated" : "concurrently", churned[0] + churned[1], called[0] + called[1]);
    return 0;
}
