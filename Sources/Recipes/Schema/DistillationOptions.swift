/// The options of a distillation objective (`kd`, `dkd`, `meal_v2`, `function_matching`, `ssld`): its
/// `teachers` entries or the teacher-logit cache read in their place, given to the runner through
/// `ObjectiveConfiguration.teacherEntries` and `teacherCacheOptions`.
protocol DistillationOptions: ObjectiveConfiguration {
    /// The teachers' entries (empty with a cache).
    var teachers: [TeacherOptions] { get }
    /// The cache read instead of running `teachers`, if any.
    var teacherCache: TeacherCacheOptions? { get }
}

extension DistillationOptions {
    /// The cache read instead of live teachers, if any.
    public var teacherCacheOptions: TeacherCacheOptions? { teacherCache }
    /// The teachers' entries.
    public var teacherEntries: [TeacherOptions] { teachers }
}
