from django.urls import path

from minsheng.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    # Sign-in by phone
    path("phone/", views.phone_login, name="phone_login"),
    path("signup/", views.sign_up, name="sign_up"),
    path("reset/", views.password_reset, name="password_reset"),
]
