/// The Objectives module (see design.md section 2); its contents arrive with their issues.
public enum ObjectivesModule {}
