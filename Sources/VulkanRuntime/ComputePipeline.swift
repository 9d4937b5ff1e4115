import CVulkan

/// A compute pipeline from SPIR-V: its shader module, a descriptor-set layout of `bindingCount` storage buffers
/// (set 0, bindings 0..<bindingCount), a push-constant range of `pushConstantBytes`, and specialization constants
/// (constant id i = specialization[i]; shaders take their workgroup size from constant 0, never hard-coded).
public final class ComputePipeline: @unchecked Sendable {
    public let name: String
    public let bindingCount: Int
    public let pushConstantBytes: Int
    public let specialization: [UInt32]
    let device: VulkanDevice
    // Each handle has its own owner, so an init that throws at any step releases what it made.
    private let pipeline: Owned<VkPipeline>
    private let layoutOwner: Owned<VkPipelineLayout>
    private let setLayoutOwner: Owned<VkDescriptorSetLayout>
    private let module: Owned<VkShaderModule>
    var setLayout: VkDescriptorSetLayout { setLayoutOwner.handle }
    var layout: VkPipelineLayout { layoutOwner.handle }
    var handle: VkPipeline { pipeline.handle }

    init(device: VulkanDevice, name: String, spirv: [UInt32], bindingCount: Int, pushConstantBytes: Int,
         specialization: [UInt32]) throws {
        let limits = device.limits
        guard pushConstantBytes <= limits.maxPushConstantBytes, pushConstantBytes % 4 == 0 else {
            throw VulkanError.limitExceeded("pipeline '\(name)': \(pushConstantBytes) push-constant bytes (limit \(limits.maxPushConstantBytes), multiple of 4)")
        }
        guard spirv.count >= 5, spirv[0] == 0x0723_0203 else {
            throw VulkanError.invalidUse("pipeline '\(name)': the code is not SPIR-V (bad magic or too short)")
        }
        self.device = device; self.name = name; self.bindingCount = bindingCount
        self.pushConstantBytes = pushConstantBytes; self.specialization = specialization
        let core = device.core, d = core.handle

        module = try Owned(core: core, kind: .shaderModule, fault: nil, call: "vkCreateShaderModule(\(name))",
                           create: { out in spirv.withUnsafeBufferPointer { code in
                               var info = VkShaderModuleCreateInfo()
                               info.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO
                               info.codeSize = code.count * 4
                               info.pCode = code.baseAddress
                               return vkCreateShaderModule(d, &info, nil, out)
                           } },
                           destroy: { vkDestroyShaderModule($0.handle, $1, nil) })
        let shaderModule = module.handle

        var bindings = (0..<bindingCount).map { i -> VkDescriptorSetLayoutBinding in
            var b = VkDescriptorSetLayoutBinding()
            b.binding = UInt32(i)
            b.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
            b.descriptorCount = 1
            b.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT.rawValue
            return b
        }
        setLayoutOwner = try Owned(core: core, kind: .descriptorSetLayout, fault: nil,
                                   call: "vkCreateDescriptorSetLayout(\(name))",
                                   create: { out in bindings.withUnsafeMutableBufferPointer { ptr in
                                       var info = VkDescriptorSetLayoutCreateInfo()
                                       info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO
                                       info.bindingCount = UInt32(bindingCount)
                                       info.pBindings = UnsafePointer(ptr.baseAddress)
                                       return vkCreateDescriptorSetLayout(d, &info, nil, out)
                                   } },
                                   destroy: { vkDestroyDescriptorSetLayout($0.handle, $1, nil) })

        var range = VkPushConstantRange(stageFlags: VK_SHADER_STAGE_COMPUTE_BIT.rawValue, offset: 0,
                                        size: UInt32(pushConstantBytes))
        var setLayoutOpt: VkDescriptorSetLayout? = setLayoutOwner.handle
        layoutOwner = try Owned(core: core, kind: .pipelineLayout, fault: nil, call: "vkCreatePipelineLayout(\(name))",
                                create: { out in withUnsafePointer(to: &setLayoutOpt) { setPtr in
                                    var info = VkPipelineLayoutCreateInfo()
                                    info.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO
                                    info.setLayoutCount = 1
                                    info.pSetLayouts = setPtr
                                    if pushConstantBytes > 0 {
                                        info.pushConstantRangeCount = 1
                                        return withUnsafePointer(to: &range) { rangePtr in
                                            info.pPushConstantRanges = rangePtr
                                            return vkCreatePipelineLayout(d, &info, nil, out)
                                        }
                                    }
                                    return vkCreatePipelineLayout(d, &info, nil, out)
                                } },
                                destroy: { vkDestroyPipelineLayout($0.handle, $1, nil) })
        let layoutHandle = layoutOwner.handle

        var entries = specialization.indices.map {
            VkSpecializationMapEntry(constantID: UInt32($0), offset: UInt32($0 * 4), size: 4)
        }
        var values = specialization
        pipeline = try Owned(core: core, kind: .pipeline, fault: nil, call: "vkCreateComputePipelines(\(name))",
                             create: { out in entries.withUnsafeMutableBufferPointer { entryPtr in
                                 values.withUnsafeMutableBytes { valuePtr in
                                     "main".withCString { entryName in
                                         var spec = VkSpecializationInfo()
                                         spec.mapEntryCount = UInt32(specialization.count)
                                         spec.pMapEntries = UnsafePointer(entryPtr.baseAddress)
                                         spec.dataSize = valuePtr.count
                                         spec.pData = UnsafeRawPointer(valuePtr.baseAddress)
                                         return withUnsafePointer(to: &spec) { specPtr in
                                             var stage = VkPipelineShaderStageCreateInfo()
                                             stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO
                                             stage.stage = VK_SHADER_STAGE_COMPUTE_BIT
                                             stage.module = shaderModule
                                             stage.pName = entryName
                                             stage.pSpecializationInfo = specialization.isEmpty ? nil : specPtr
                                             var info = VkComputePipelineCreateInfo()
                                             info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO
                                             info.stage = stage
                                             info.layout = layoutHandle
                                             return vkCreateComputePipelines(d, nil, 1, &info, nil, out)
                                         }
                                     }
                                 }
                             } },
                             destroy: { vkDestroyPipeline($0.handle, $1, nil) })
    }
}

extension VulkanDevice {
    public func makePipeline(name: String, spirv: [UInt32], bindingCount: Int, pushConstantBytes: Int,
                             specialization: [UInt32] = []) throws -> ComputePipeline {
        try ComputePipeline(device: self, name: name, spirv: spirv, bindingCount: bindingCount,
                            pushConstantBytes: pushConstantBytes, specialization: specialization)
    }
}
