package io.github.ohlcv4j.testing;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;

/** An ArchUnit condition the modules' architecture tests share. */
public final class PublicSignatures {
  private PublicSignatures() {}

  /**
   * No type from an {@code internal} package (the core's or the module's own) in what a class
   * shows: its supertypes, and the parameter, return, exception and field types of its public and
   * protected members, generic arguments included.
   */
  public static ArchCondition<JavaClass> exposeNoInternalTypes() {
    DescribedPredicate<JavaClass> internal =
        DescribedPredicate.describe(
            "internal", c -> ("." + c.getPackageName() + ".").contains(".internal."));
    return new ArchCondition<>("expose no type of an internal package in a public signature") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        List<String> found = new ArrayList<>();
        c.getRawSuperclass().filter(internal).ifPresent(s -> found.add("extends " + s.getName()));
        c.getRawInterfaces().stream()
            .filter(internal)
            .forEach(i -> found.add("implements " + i.getName()));
        for (JavaMember m : c.getMembers()) {
          if (!m.getModifiers().contains(JavaModifier.PUBLIC)
              && !m.getModifiers().contains(JavaModifier.PROTECTED)) {
            continue;
          }
          List<JavaType> shown = new ArrayList<>();
          if (m instanceof JavaField) {
            shown.add(((JavaField) m).getType());
          } else if (m instanceof JavaCodeUnit) {
            JavaCodeUnit u = (JavaCodeUnit) m;
            shown.add(u.getReturnType());
            shown.addAll(u.getParameterTypes());
            shown.addAll(u.getExceptionTypes());
          }
          for (JavaType t : shown) {
            for (JavaClass k : t.getAllInvolvedRawTypes()) {
              if (internal.test(k)) {
                found.add(m.getFullName() + " shows " + k.getName());
              }
            }
          }
        }
        for (String f : found) {
          events.add(SimpleConditionEvent.violated(c, c.getName() + ": " + f));
        }
      }
    };
  }
}
