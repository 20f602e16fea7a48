public enum PrepdeckUIPlaceholder {}
