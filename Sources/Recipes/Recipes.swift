/// The Recipes module ties the engine, zoo, objectives and store together (design.md section 7).
public enum RecipesModule {}
