// Subgroup operations (the host builds this variant only where the device has the 'subgroups'
// feature). The kernels shuffle within aligned groups of 4 lanes, whose source lanes the
// uniformity analysis cannot see are in step: its warning is off.
enable subgroups;
diagnostic(off, subgroup_uniformity);
