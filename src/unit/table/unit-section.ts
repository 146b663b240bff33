import { parseBoolean } from '../values/boolean';
import { fail, mapParsed } from '../values/result';
import { condition, type Condition } from './condition';
import { EMERGENCY_ACTIONS, JOB_MODES, type JobMode } from './enums';
import * as P from './parsers';
import { alias, internal, into, list, scalar, type Block, type ConfigOf } from './row';

/** [Unit]: settings every unit type shares (systemd.unit(5)). */
export const unitSection = {
  Description: scalar(P.text, '', {
    support: 'enforced',
    doc: 'A short human readable title of the unit.',
    emptyIsValue: true,
  }),
  Documentation: list(P.words, {
    support: 'enforced',
    doc: 'A space-separated list of URIs referencing documentation for this unit or its configuration.',
  }),
  SourcePath: scalar(P.path, '', {
    support: 'accepted',
    doc: 'A path to a configuration file this unit has been generated from.',
  }),
  Requires: list(P.unitNames, {
    support: 'enforced',
    doc: 'Similar to Wants=, but declares a stronger requirement dependency.',
  }),
  Requisite: list(P.unitNames, {
    support: 'enforced',
    doc: 'Similar to Requires=. However, if the units listed here are not started already, they will not be started and the starting of this unit will fail immediately.',
  }),
  Wants: list(P.unitNames, {
    support: 'enforced',
    doc: 'Configures (weak) requirement dependencies on other units.',
  }),
  BindsTo: list(P.unitNames, {
    support: 'enforced',
    doc: 'Configures requirement dependencies, very similar in style to Requires=. However, this dependency type is stronger: in addition to the effect of Requires=...',
  }),
  BindTo: alias('BindsTo', list(P.unitNames, { support: 'enforced', doc: 'See systemd BindTo=.' })),
  Upholds: list(P.unitNames, {
    support: 'enforced',
    doc: 'Configures dependencies similar to Wants=, but as long as this unit is up, all units listed in Upholds= are started whenever found to be inactive or failed,...',
  }),
  Conflicts: list(P.unitNames, { support: 'enforced', doc: 'A space-separated list of unit names.' }),
  Before: list(P.unitNames, {
    support: 'enforced',
    doc: 'These two settings expect a space-separated list of unit names.',
  }),
  After: list(P.unitNames, {
    support: 'enforced',
    doc: 'These two settings expect a space-separated list of unit names.',
  }),
  OnSuccess: list(P.unitNames, {
    support: 'enforced',
    doc: 'Units to activate when this unit enters the inactive state after succeeding.',
  }),
  OnFailure: list(P.unitNames, {
    support: 'enforced',
    doc: 'Units to activate when this unit enters the failed state.',
  }),
  PropagatesReloadTo: list(P.unitNames, {
    support: 'enforced',
    doc: 'A space-separated list of one or more units to which reload requests from this unit shall be propagated to, or units from which reload requests shall be...',
  }),
  PropagateReloadTo: alias(
    'PropagatesReloadTo',
    list(P.unitNames, { support: 'enforced', doc: 'See systemd PropagateReloadTo=.' }),
  ),
  ReloadPropagatedFrom: list(P.unitNames, {
    support: 'enforced',
    doc: 'A space-separated list of one or more units to which reload requests from this unit shall be propagated to, or units from which reload requests shall be...',
  }),
  PropagateReloadFrom: alias(
    'ReloadPropagatedFrom',
    list(P.unitNames, { support: 'enforced', doc: 'See systemd PropagateReloadFrom=.' }),
  ),
  PropagatesStopTo: list(P.unitNames, {
    support: 'enforced',
    doc: 'A space-separated list of one or more units to which stop requests from this unit shall be propagated to, or units from which stop requests shall be...',
  }),
  StopPropagatedFrom: list(P.unitNames, {
    support: 'enforced',
    doc: 'A space-separated list of one or more units to which stop requests from this unit shall be propagated to, or units from which stop requests shall be...',
  }),
  PartOf: list(P.unitNames, {
    support: 'enforced',
    doc: 'Configures dependencies similar to Requires=, but limited to stopping and restarting of units.',
  }),
  JoinsNamespaceOf: list(P.unitNames, {
    support: 'accepted',
    doc: 'For units that start processes (such as service units), lists one or more other units whose network and/or temporary file namespace to join.',
  }),
  RequiresOverridable: alias(
    'Requires',
    list(P.unitNames, { support: 'enforced', doc: 'Obsolete; treated as Requires=.' }),
    'Obsolete; treated as Requires=.',
  ),
  RequisiteOverridable: alias(
    'Requisite',
    list(P.unitNames, { support: 'enforced', doc: 'Obsolete; treated as Requisite=.' }),
    'Obsolete; treated as Requisite=.',
  ),
  RequiresMountsFor: list(P.words, {
    support: 'accepted',
    doc: 'Takes a space-separated list of absolute paths. Automatically adds dependencies of type Requires= and After= for all mount units required to access the...',
  }),
  StopWhenUnneeded: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean argument. If true, this unit will be stopped when it is no longer used.',
  }),
  RefuseManualStart: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean argument. If true, this unit can only be activated or deactivated indirectly.',
  }),
  RefuseManualStop: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean argument. If true, this unit can only be activated or deactivated indirectly.',
  }),
  AllowIsolate: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean argument. If true, this unit may be used with the systemctl isolate command.',
  }),
  DefaultDependencies: scalar(P.bool, true, {
    support: 'enforced',
    doc: 'Takes a boolean argument. If yes, (the default), a few default dependencies will implicitly be created for the unit.',
  }),
  OnSuccessJobMode: scalar(P.oneOf(JOB_MODES), 'replace', {
    support: 'enforced',
    doc: 'Takes a value of "fail", "replace", "replace-irreversibly", "isolate", "flush", "ignore-dependencies" or "ignore-requirements". Defaults to "replace".',
  }),
  OnFailureJobMode: scalar(P.oneOf(JOB_MODES), 'replace', {
    support: 'enforced',
    doc: 'Takes a value of "fail", "replace", "replace-irreversibly", "isolate", "flush", "ignore-dependencies" or "ignore-requirements". Defaults to "replace".',
  }),
  OnFailureIsolate: alias(
    'OnFailureJobMode',
    scalar((raw) => mapParsed(parseBoolean(raw), (b): JobMode => (b ? 'isolate' : 'replace')), 'replace', {
      support: 'accepted',
      doc: 'See systemd OnFailureIsolate=.',
    }),
  ),
  IgnoreOnIsolate: scalar(P.bool, false, {
    support: 'enforced',
    doc: 'Takes a boolean argument. If true, this unit will not be stopped when isolating another unit.',
  }),
  JobTimeoutSec: scalar(P.timeSpan, Infinity, {
    support: 'accepted',
    doc: 'JobTimeoutSec= specifies a timeout for the whole job that starts running when the job is queued.',
  }),
  JobRunningTimeoutSec: scalar(P.timeSpan, Infinity, {
    support: 'accepted',
    doc: 'JobTimeoutSec= specifies a timeout for the whole job that starts running when the job is queued.',
  }),
  JobTimeoutAction: scalar(P.oneOf(EMERGENCY_ACTIONS), 'none', {
    support: 'accepted',
    doc: 'JobTimeoutAction= optionally configures an additional action to take when the timeout is hit, see description of JobTimeoutSec= and JobRunningTimeoutSec= above.',
  }),
  JobTimeoutRebootArgument: scalar(P.text, '', {
    support: 'accepted',
    doc: 'JobTimeoutAction= optionally configures an additional action to take when the timeout is hit, see description of JobTimeoutSec= and JobRunningTimeoutSec= above.',
  }),
  StartLimitIntervalSec: scalar(P.timeSpan, 10_000_000, {
    support: 'enforced',
    doc: 'Configure unit start rate limiting.',
  }),
  StartLimitInterval: alias(
    'StartLimitIntervalSec',
    scalar(P.timeSpan, 10_000_000, { support: 'enforced', doc: 'See systemd StartLimitInterval=.' }),
  ),
  StartLimitBurst: scalar(P.unsigned, 5, { support: 'enforced', doc: 'Configure unit start rate limiting.' }),
  StartLimitAction: scalar(P.oneOf(EMERGENCY_ACTIONS), 'none', {
    support: 'accepted',
    doc: 'Configure an additional action to take if the rate limit configured with StartLimitIntervalSec= and StartLimitBurst= is hit.',
  }),
  FailureAction: scalar(P.oneOf(EMERGENCY_ACTIONS), 'none', {
    support: 'enforced',
    doc: 'What to do (none, reboot, poweroff, exit, ...) when the unit stops and enters the failed state.',
  }),
  SuccessAction: scalar(P.oneOf(EMERGENCY_ACTIONS), 'none', {
    support: 'enforced',
    doc: 'What to do (none, reboot, poweroff, exit, ...) when the unit stops and enters the inactive state.',
  }),
  FailureActionExitStatus: scalar(P.integer(-1, 255), -1, {
    support: 'enforced',
    doc: 'Controls the exit status to propagate back to an invoking container manager (in case of a system service) or service manager (in case of a user manager)...',
  }),
  SuccessActionExitStatus: scalar(P.integer(-1, 255), -1, {
    support: 'enforced',
    doc: 'Controls the exit status to propagate back to an invoking container manager (in case of a system service) or service manager (in case of a user manager)...',
  }),
  RebootArgument: scalar(P.text, '', {
    support: 'accepted',
    doc: 'Configure the optional argument for the reboot(2) system call if StartLimitAction= or FailureAction= is a reboot action.',
  }),
  CollectMode: scalar(P.oneOf(['inactive', 'inactive-or-failed'] as const), 'inactive', {
    support: 'accepted',
    doc: 'Tweaks the "garbage collection" algorithm for this unit.',
  }),
  Conditions: internal(
    list<Condition>(() => fail('internal'), {
      support: 'enforced',
      doc: 'Every Condition*= setting, in order.',
    }),
  ),
  Asserts: internal(
    list<Condition>(() => fail('internal'), {
      support: 'enforced',
      doc: 'Like Conditions=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  ConditionPathExists: into(
    'Conditions',
    list(condition('PathExists'), { support: 'enforced', doc: 'Check for the existence of a file.' }),
  ),
  ConditionPathExistsGlob: into(
    'Conditions',
    list(condition('PathExistsGlob'), {
      support: 'enforced',
      doc: 'ConditionPathExistsGlob= is similar to ConditionPathExists=, but checks for the existence of at least one file or directory matching the specified globbing...',
    }),
  ),
  ConditionPathIsDirectory: into(
    'Conditions',
    list(condition('PathIsDirectory'), {
      support: 'enforced',
      doc: 'ConditionPathIsDirectory= is similar to ConditionPathExists= but verifies that a certain path exists and is a directory.',
    }),
  ),
  ConditionPathIsSymbolicLink: into(
    'Conditions',
    list(condition('PathIsSymbolicLink'), {
      support: 'enforced',
      doc: 'ConditionPathIsSymbolicLink= is similar to ConditionPathExists= but verifies that a certain path exists and is a symbolic link.',
    }),
  ),
  ConditionPathIsMountPoint: into(
    'Conditions',
    list(condition('PathIsMountPoint'), {
      support: 'enforced',
      doc: 'ConditionPathIsMountPoint= is similar to ConditionPathExists= but verifies that a certain path exists and is a mount point.',
    }),
  ),
  ConditionPathIsReadWrite: into(
    'Conditions',
    list(condition('PathIsReadWrite'), {
      support: 'enforced',
      doc: 'ConditionPathIsReadWrite= is similar to ConditionPathExists= but verifies that the underlying file system is readable and writable (i.e.',
    }),
  ),
  ConditionPathIsEncrypted: into(
    'Conditions',
    list(condition('PathIsEncrypted'), {
      support: 'enforced',
      doc: "ConditionPathIsEncrypted= is similar to ConditionPathExists= but verifies that the underlying file system's backing block device is encrypted using...",
    }),
  ),
  ConditionDirectoryNotEmpty: into(
    'Conditions',
    list(condition('DirectoryNotEmpty'), {
      support: 'enforced',
      doc: 'ConditionDirectoryNotEmpty= is similar to ConditionPathExists= but verifies that a certain path exists and is a non-empty directory.',
    }),
  ),
  ConditionFileNotEmpty: into(
    'Conditions',
    list(condition('FileNotEmpty'), {
      support: 'enforced',
      doc: 'ConditionFileNotEmpty= is similar to ConditionPathExists= but verifies that a certain path exists and refers to a regular file with a non-zero size.',
    }),
  ),
  ConditionFileIsExecutable: into(
    'Conditions',
    list(condition('FileIsExecutable'), {
      support: 'enforced',
      doc: 'ConditionFileIsExecutable= is similar to ConditionPathExists= but verifies that a certain path exists, is a regular file, and marked executable.',
    }),
  ),
  ConditionNeedsUpdate: into(
    'Conditions',
    list(condition('NeedsUpdate'), {
      support: 'enforced',
      doc: 'Takes one of /var/ or /etc/ as argument, possibly prefixed with a "!" (to invert the condition). This condition may be used to conditionalize units on...',
    }),
  ),
  ConditionFirstBoot: into(
    'Conditions',
    list(condition('FirstBoot'), {
      support: 'enforced',
      doc: 'Takes a boolean argument. This condition may be used to conditionalize units on whether the system is booting up for the first time.',
    }),
  ),
  ConditionArchitecture: into(
    'Conditions',
    list(condition('Architecture'), {
      support: 'enforced',
      doc: 'Check whether the system is running on a specific architecture.',
    }),
  ),
  ConditionFirmware: into(
    'Conditions',
    list(condition('Firmware'), {
      support: 'enforced',
      doc: "Check whether the system's firmware is of a certain type.",
    }),
  ),
  ConditionVirtualization: into(
    'Conditions',
    list(condition('Virtualization'), {
      support: 'enforced',
      doc: 'Check whether the system is executed in a virtualized environment and optionally test whether it is a specific implementation.',
    }),
  ),
  ConditionHost: into(
    'Conditions',
    list(condition('Host'), {
      support: 'enforced',
      doc: 'ConditionHost= may be used to match against the hostname or machine ID of the host.',
    }),
  ),
  ConditionKernelCommandLine: into(
    'Conditions',
    list(condition('KernelCommandLine'), {
      support: 'enforced',
      doc: 'ConditionKernelCommandLine= may be used to check whether a specific kernel command line option is set (or if prefixed with the exclamation mark \u2014 unset).',
    }),
  ),
  ConditionKernelVersion: into(
    'Conditions',
    list(condition('KernelVersion'), {
      support: 'enforced',
      doc: 'ConditionKernelVersion= may be used to check whether the kernel version (as reported by uname -r) matches a certain expression, or if prefixed with the...',
    }),
  ),
  ConditionCredential: into(
    'Conditions',
    list(condition('Credential'), {
      support: 'enforced',
      doc: 'ConditionCredential= may be used to check whether a credential by the specified name was passed into the service manager.',
    }),
  ),
  ConditionSecurity: into(
    'Conditions',
    list(condition('Security'), {
      support: 'enforced',
      doc: 'ConditionSecurity= may be used to check whether the given security technology is enabled on the system.',
    }),
  ),
  ConditionCapability: into(
    'Conditions',
    list(condition('Capability'), {
      support: 'enforced',
      doc: 'Check whether the given capability exists in the capability bounding set of the service manager (i.e.',
    }),
  ),
  ConditionACPower: into(
    'Conditions',
    list(condition('ACPower'), {
      support: 'enforced',
      doc: 'Check whether the system has AC power, or is exclusively battery powered at the time of activation of the unit.',
    }),
  ),
  ConditionMemory: into(
    'Conditions',
    list(condition('Memory'), {
      support: 'enforced',
      doc: 'Verify that the specified amount of system memory is available to the current system.',
    }),
  ),
  ConditionCPUFeature: into(
    'Conditions',
    list(condition('CPUFeature'), {
      support: 'enforced',
      doc: 'Verify that a given CPU feature is available via the "CPUID" instruction.',
    }),
  ),
  ConditionCPUs: into(
    'Conditions',
    list(condition('CPUs'), {
      support: 'enforced',
      doc: 'Verify that the specified number of CPUs is available to the current system.',
    }),
  ),
  ConditionEnvironment: into(
    'Conditions',
    list(condition('Environment'), {
      support: 'enforced',
      doc: 'ConditionEnvironment= may be used to check whether a specific environment variable is set (or if prefixed with the exclamation mark \u2014 unset) in the service...',
    }),
  ),
  ConditionUser: into(
    'Conditions',
    list(condition('User'), {
      support: 'enforced',
      doc: 'ConditionUser= takes a numeric "UID", a UNIX user name, or the special value "@system".',
    }),
  ),
  ConditionGroup: into(
    'Conditions',
    list(condition('Group'), {
      support: 'enforced',
      doc: "ConditionGroup= is similar to ConditionUser= but verifies that the service manager's real or effective group, or any of its auxiliary groups, match the...",
    }),
  ),
  ConditionControlGroupController: into(
    'Conditions',
    list(condition('ControlGroupController'), {
      support: 'enforced',
      doc: 'Check whether given cgroup controllers (e.g.',
    }),
  ),
  ConditionOSRelease: into(
    'Conditions',
    list(condition('OSRelease'), {
      support: 'enforced',
      doc: 'Verify that a specific "key=value" pair is set in the host\'s os-release(5).',
    }),
  ),
  ConditionMemoryPressure: into(
    'Conditions',
    list(condition('MemoryPressure'), {
      support: 'enforced',
      doc: 'Check that system memory pressure (PSI) is at or below a threshold.',
    }),
  ),
  ConditionCPUPressure: into(
    'Conditions',
    list(condition('CPUPressure'), {
      support: 'enforced',
      doc: 'Check that system CPU pressure (PSI) is at or below a threshold.',
    }),
  ),
  ConditionIOPressure: into(
    'Conditions',
    list(condition('IOPressure'), {
      support: 'enforced',
      doc: 'Check that system IO pressure (PSI) is at or below a threshold.',
    }),
  ),
  AssertPathExists: into(
    'Asserts',
    list(condition('PathExists'), {
      support: 'enforced',
      doc: 'Like ConditionPathExists=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertPathExistsGlob: into(
    'Asserts',
    list(condition('PathExistsGlob'), {
      support: 'enforced',
      doc: 'Like ConditionPathExistsGlob=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertPathIsDirectory: into(
    'Asserts',
    list(condition('PathIsDirectory'), {
      support: 'enforced',
      doc: 'Like ConditionPathIsDirectory=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertPathIsSymbolicLink: into(
    'Asserts',
    list(condition('PathIsSymbolicLink'), {
      support: 'enforced',
      doc: 'Like ConditionPathIsSymbolicLink=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertPathIsMountPoint: into(
    'Asserts',
    list(condition('PathIsMountPoint'), {
      support: 'enforced',
      doc: 'Like ConditionPathIsMountPoint=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertPathIsReadWrite: into(
    'Asserts',
    list(condition('PathIsReadWrite'), {
      support: 'enforced',
      doc: 'Like ConditionPathIsReadWrite=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertPathIsEncrypted: into(
    'Asserts',
    list(condition('PathIsEncrypted'), {
      support: 'enforced',
      doc: 'Like ConditionPathIsEncrypted=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertDirectoryNotEmpty: into(
    'Asserts',
    list(condition('DirectoryNotEmpty'), {
      support: 'enforced',
      doc: 'Like ConditionDirectoryNotEmpty=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertFileNotEmpty: into(
    'Asserts',
    list(condition('FileNotEmpty'), {
      support: 'enforced',
      doc: 'Like ConditionFileNotEmpty=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertFileIsExecutable: into(
    'Asserts',
    list(condition('FileIsExecutable'), {
      support: 'enforced',
      doc: 'Like ConditionFileIsExecutable=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertNeedsUpdate: into(
    'Asserts',
    list(condition('NeedsUpdate'), {
      support: 'enforced',
      doc: 'Like ConditionNeedsUpdate=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertFirstBoot: into(
    'Asserts',
    list(condition('FirstBoot'), {
      support: 'enforced',
      doc: 'Like ConditionFirstBoot=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertArchitecture: into(
    'Asserts',
    list(condition('Architecture'), {
      support: 'enforced',
      doc: 'Like ConditionArchitecture=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertVirtualization: into(
    'Asserts',
    list(condition('Virtualization'), {
      support: 'enforced',
      doc: 'Like ConditionVirtualization=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertHost: into(
    'Asserts',
    list(condition('Host'), {
      support: 'enforced',
      doc: 'Like ConditionHost=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertKernelCommandLine: into(
    'Asserts',
    list(condition('KernelCommandLine'), {
      support: 'enforced',
      doc: 'Like ConditionKernelCommandLine=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertKernelVersion: into(
    'Asserts',
    list(condition('KernelVersion'), {
      support: 'enforced',
      doc: 'Like ConditionKernelVersion=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertCredential: into(
    'Asserts',
    list(condition('Credential'), {
      support: 'enforced',
      doc: 'Like ConditionCredential=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertSecurity: into(
    'Asserts',
    list(condition('Security'), {
      support: 'enforced',
      doc: 'Like ConditionSecurity=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertCapability: into(
    'Asserts',
    list(condition('Capability'), {
      support: 'enforced',
      doc: 'Like ConditionCapability=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertACPower: into(
    'Asserts',
    list(condition('ACPower'), {
      support: 'enforced',
      doc: 'Like ConditionACPower=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertMemory: into(
    'Asserts',
    list(condition('Memory'), {
      support: 'enforced',
      doc: 'Like ConditionMemory=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertCPUFeature: into(
    'Asserts',
    list(condition('CPUFeature'), {
      support: 'enforced',
      doc: 'Like ConditionCPUFeature=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertCPUs: into(
    'Asserts',
    list(condition('CPUs'), {
      support: 'enforced',
      doc: 'Like ConditionCPUs=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertEnvironment: into(
    'Asserts',
    list(condition('Environment'), {
      support: 'enforced',
      doc: 'Like ConditionEnvironment=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertUser: into(
    'Asserts',
    list(condition('User'), {
      support: 'enforced',
      doc: 'Like ConditionUser=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertGroup: into(
    'Asserts',
    list(condition('Group'), {
      support: 'enforced',
      doc: 'Like ConditionGroup=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertControlGroupController: into(
    'Asserts',
    list(condition('ControlGroupController'), {
      support: 'enforced',
      doc: 'Like ConditionControlGroupController=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertOSRelease: into(
    'Asserts',
    list(condition('OSRelease'), {
      support: 'enforced',
      doc: 'Like ConditionOSRelease=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertMemoryPressure: into(
    'Asserts',
    list(condition('MemoryPressure'), {
      support: 'enforced',
      doc: 'Like ConditionMemoryPressure=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertCPUPressure: into(
    'Asserts',
    list(condition('CPUPressure'), {
      support: 'enforced',
      doc: 'Like ConditionCPUPressure=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
  AssertIOPressure: into(
    'Asserts',
    list(condition('IOPressure'), {
      support: 'enforced',
      doc: 'Like ConditionIOPressure=, but a failed check fails the start job instead of skipping the unit.',
    }),
  ),
} satisfies Block;

export type UnitSection = ConfigOf<typeof unitSection>;
